import { GraphBuilder } from './graph-builder.ts';
import type { OutputOptions } from './graph-builder.ts';
import type { Clamp, Pads, Pair } from './ops/attr-types.ts';
import { fail } from './errors.ts';
import { biasQuant } from './quant.ts';
import {
  biasOrZero, checkRecurrentArgs, gateAttrs, maxStepsFor,
  type GruOptions, type GruOutputOptions, type GruOutputs, type LstmOptions, type LstmOutputOptions, type LstmOutputs,
} from './recurrent-builder.ts';
import type { QuantParams } from './types.ts';

/** The output of an op that rescales: its dtype and quant params are the caller's choice. */
export interface QuantizedOutput extends OutputOptions {
  /** int16: 16-bit codes (bits 9..16), for a quantize onto a wide grid (a 16-bit residual stream). */
  readonly dtype: 'int8' | 'uint8' | 'int16';
  readonly quant: QuantParams;
}

/** Attributes left out take their defaults: strides/dilations [1, 1], pads 0, groups 1, clamp = the whole output grid. */
export interface ConvOptions {
  readonly bias?: string;
  readonly strides?: Pair;
  readonly dilations?: Pair;
  readonly pads?: Pads;
  readonly clamp?: Clamp;
}
export interface PoolOptions {
  readonly kernel: Pair;
  readonly strides?: Pair;
  readonly pads?: Pads;
  readonly clamp?: Clamp;
}

function withBias(x: string, w: string, bias: string | undefined): string[] {
  return bias === undefined ? [x, w] : [x, w, bias];
}

/**
 * GraphBuilder with one method per built-in op; each returns the name of its output value.
 *
 *   const b = new ModelBuilder();
 *   const x = b.input('x', 'float32', [-1, 4]);
 *   const q = b.quantize(x, { dtype: 'int8', quant: makeQuant({ scale: 0.05 }) });
 *   b.output(b.dequantize(q));
 *   const model = b.build();
 */
export class ModelBuilder extends GraphBuilder {
  quantize(x: string, out: QuantizedOutput): string {
    return this.node('quantize', [x], {}, [out])[0];
  }
  dequantize(x: string, out: OutputOptions = {}): string {
    return this.node('dequantize', [x], {}, [{ ...out, dtype: 'float32' }])[0];
  }
  conv2d(x: string, w: string, options: ConvOptions & { readonly groups?: number }, out: QuantizedOutput): string {
    const { bias, ...attrs } = options;
    return this.node('conv2d', withBias(x, w, bias), attrs, [out])[0];
  }
  depthwiseConv2d(x: string, w: string, options: ConvOptions, out: QuantizedOutput): string {
    const { bias, ...attrs } = options;
    return this.node('depthwiseConv2d', withBias(x, w, bias), attrs, [out])[0];
  }
  gemm(x: string, w: string, options: { readonly bias?: string; readonly clamp?: Clamp }, out: QuantizedOutput): string {
    return this.node('gemm', withBias(x, w, options.bias), { clamp: options.clamp }, [out])[0];
  }
  matmul(a: string, b: string, options: { readonly transposeB?: boolean; readonly clamp?: Clamp }, out: QuantizedOutput): string {
    return this.node('matmul', [a, b], options, [out])[0];
  }
  /** int8/uint8 a and b need `out` with dtype and quant (clamp default: the whole grid); float32 ones give float32, no clamp. */
  add(a: string, b: string, options: { readonly clamp?: Clamp } = {}, out: OutputOptions = {}): string {
    return this.node('add', [a, b], options, [out])[0];
  }
  /** As add: quantized (out with dtype and quant) or float32. */
  mul(a: string, b: string, options: { readonly clamp?: Clamp } = {}, out: OutputOptions = {}): string {
    return this.node('mul', [a, b], options, [out])[0];
  }
  /** float32 -> float32. */
  sigmoid(x: string, out: OutputOptions = {}): string {
    return this.node('sigmoid', [x], {}, [out])[0];
  }
  tanh(x: string, out: OutputOptions = {}): string {
    return this.node('tanh', [x], {}, [out])[0];
  }
  exp(x: string, out: OutputOptions = {}): string {
    return this.node('exp', [x], {}, [out])[0];
  }
  /** The output keeps the input's dtype and quant params. */
  maxPool(x: string, options: PoolOptions, out: OutputOptions = {}): string {
    return this.node('maxPool', [x], { ...options }, [out])[0];
  }
  avgPool(x: string, options: PoolOptions, out: QuantizedOutput): string {
    return this.node('avgPool', [x], { ...options }, [out])[0];
  }
  globalAvgPool(x: string, options: { readonly clamp?: Clamp }, out: QuantizedOutput): string {
    return this.node('globalAvgPool', [x], options, [out])[0];
  }
  reshape(x: string, shape: readonly number[], out: OutputOptions = {}): string {
    return this.node('reshape', [x], { shape }, [out])[0];
  }
  flatten(x: string, out: OutputOptions = {}): string {
    return this.node('flatten', [x], {}, [out])[0];
  }
  /** int32 token ids [...] and a constant table [V, D] (int8/int4/int2) -> [..., D] on `out`'s grid. */
  embedding(tokens: string, table: string, out: QuantizedOutput): string {
    return this.node('embedding', [tokens, table], {}, [out])[0];
  }
  /** 2..8 int8/uint8 values with the same dtype and quant params, joined along `axis`; the output keeps them. */
  concat(inputs: readonly string[], axis: number, out: OutputOptions = {}): string {
    if (!Array.isArray(inputs)) fail('concat.inputs', 'must be an array of value names');
    return this.node('concat', inputs, { axis }, [out])[0];
  }
  /**
   * One LSTM layer over x [B, T, I] with W [I, 4H] and U [H, 4H] (ops/lstm.ts); returns the names of
   * y [B, T, H], hT and cT [B, H]. A zero bias is added when h0 is given without a bias.
   */
  lstm(x: string, w: string, u: string, options: LstmOptions, out: LstmOutputOptions): LstmOutputs {
    checkRecurrentArgs(options, out, 'lstm');
    if (options.c0 !== undefined && options.h0 === undefined) fail('lstm.options.c0', 'c0 needs h0 (an h0 of all z_h codes is the zero state)');
    const rows = 4 * (this.info(u).shape[0] ?? 0);
    const attrs = {
      ...gateAttrs(options.gates, 'gate', 'lstm.options.gates'),
      reverse: options.reverse ?? false,
      maxSteps: maxStepsFor(this, x, options.maxSteps, 'lstm.options'),
    };
    const bias = biasOrZero(this, options.bias, options.h0 !== undefined, x, w, rows, `${out.names?.y ?? x}.zeroBias`);
    const inputs = [x, w, u, bias, options.h0, options.c0].filter((n): n is string => n !== undefined);
    const [y, hT, cT] = this.node('lstm', inputs, attrs, [
      { ...(out.names?.y ? { name: out.names.y } : {}), ...out.hidden },
      { ...(out.names?.hT ? { name: out.names.hT } : {}), ...out.hidden },
      { ...(out.names?.cT ? { name: out.names.cT } : {}), dtype: 'int16', quant: out.cell },
    ]);
    return { y, hT, cT };
  }
  /**
   * One GRU layer ("reset after") over x [B, T, I] with W [I, 3H] and U [H, 3H] (ops/gru.ts); returns
   * the names of y [B, T, H] and hT [B, H]. Zero biases are added where h0 needs their slots.
   */
  gru(x: string, w: string, u: string, options: GruOptions, out: GruOutputOptions): GruOutputs {
    checkRecurrentArgs(options, out, 'gru');
    const rows = 3 * (this.info(u).shape[0] ?? 0);
    const attrs = {
      ...gateAttrs(options.inputGates, 'inputGate', 'gru.options.inputGates'),
      ...gateAttrs(options.recurrentGates, 'recurrentGate', 'gru.options.recurrentGates'),
      reverse: options.reverse ?? false,
      maxSteps: maxStepsFor(this, x, options.maxSteps, 'gru.options'),
    };
    const base = out.names?.y ?? x;
    const needH = options.h0 !== undefined;
    const biasX = biasOrZero(this, options.biasX, needH || options.biasH !== undefined, x, w, rows, `${base}.zeroBiasX`);
    const biasH = needH && options.biasH === undefined
      ? this.#zeroHiddenBias(out.hidden.quant, u, rows, `${base}.zeroBiasH`)
      : options.biasH;
    const inputs = [x, w, u, biasX, biasH, options.h0].filter((n): n is string => n !== undefined);
    const [y, hT] = this.node('gru', inputs, attrs, [
      { ...(out.names?.y ? { name: out.names.y } : {}), ...out.hidden },
      { ...(out.names?.hT ? { name: out.names.hT } : {}), ...out.hidden },
    ]);
    return { y, hT };
  }
  #zeroHiddenBias(hidden: QuantParams, u: string, rows: number, name: string): string {
    const quant = biasQuant(hidden, this.info(u).quant as QuantParams, rows);
    return this.constant({ name, dtype: 'int32', shape: [rows], quant, data: new Int32Array(rows) });
  }
}
