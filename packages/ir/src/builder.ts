import { GraphBuilder } from './graph-builder.ts';
import type { OutputOptions } from './graph-builder.ts';
import type { Clamp, Pads, Pair } from './ops/attr-types.ts';
import type { QuantParams } from './types.ts';

/** The output of an op that rescales: its dtype and quant params are the caller's choice. */
export interface QuantizedOutput extends OutputOptions {
  readonly dtype: 'int8' | 'uint8';
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
}
