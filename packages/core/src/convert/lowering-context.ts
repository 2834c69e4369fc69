import * as tf from '@tensorflow/tfjs-core';
import { biasQuant, packCodes, quantizeValue, sameQuant, type ModelBuilder, type QuantParams as IrQuant } from '@qatjs/ir';
import type { Module } from '../module/module.ts';
import { QatjsError } from '../util/errors.ts';
import { roundHalfEven } from '../util/round.ts';

/** A tensor of the integer model being built: an IR value name, its dtype, and for int8 its grid. */
export interface LoweredValue {
  readonly name: string;
  /** int8 for everything layers produce; uint8 only for a raw-pixel graph input. */
  readonly dtype: 'float32' | 'int8' | 'uint8';
  readonly quant?: IrQuant;
}

/** A module that can write itself into an IntModel; layers implement it beside forward(). */
export interface Lowerable {
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue;
}

export function isLowerable(m: Module): m is Module & Lowerable {
  return typeof (m as Partial<Lowerable>).lower === 'function';
}

export type FusedActivation = 'none' | 'relu' | 'relu6';

/** Conversion failed: the message names the layer path and what is missing. */
export class ConvertError extends QatjsError {
  override readonly name = 'ConvertError';
}

/**
 * What lower() implementations get: the IR builder plus the conversions every layer needs, each
 * doing exactly what the fake-quant model does, so the integer model computes the same thing.
 */
export class LoweringContext {
  private readonly paths: string[] = [];
  private readonly used = new Set<string>();

  constructor(readonly builder: ModelBuilder) {}

  /** Path of the module being lowered ('' for the root). */
  get path(): string {
    return this.paths[this.paths.length - 1] ?? '';
  }

  fail(message: string): never {
    throw new ConvertError(`convert: ${this.path || '<root>'}: ${message}`);
  }

  /** Lowers a child module registered under `name` of the module being lowered. */
  lowerChild(name: string, child: Module, inputs: readonly LoweredValue[]): LoweredValue {
    const path = this.path ? `${this.path}.${name}` : name;
    return this.lowerAt(path, child, inputs);
  }

  lowerAt(path: string, module: Module, inputs: readonly LoweredValue[]): LoweredValue {
    this.paths.push(path);
    try {
      if (!isLowerable(module)) this.fail(`a ${module.kind} layer cannot be converted (it has no lower())`);
      return module.lower(this, inputs);
    } finally {
      this.paths.pop();
    }
  }

  /** A fresh value or constant name under the current path. */
  name(suffix: string): string {
    const base = this.path ? `${this.path}.${suffix}` : suffix;
    let n = base;
    for (let i = 2; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /**
   * The grid of a layer's activation point as int8 codes: unsigned b-bit grids [0, 2^b - 1] become
   * the signed grid [-2^(b-1), 2^(b-1) - 1] with the zero point moved by 2^(b-1), which represents
   * exactly the same real values.
   */
  activationQuant(layer: Module, point: string): IrQuant {
    const q = layer.getQuantizer(point);
    if (!q) this.fail(`its '${point}' point has no quantizer; the integer model needs it quantized`);
    const p = q.qparams();
    if (p.scale.length !== 1) this.fail(`the '${point}' quantizer is per-channel; activations run per-tensor on the integer runtime`);
    if (q.spec.bits > 8) this.fail(`the '${point}' quantizer has ${q.spec.bits} bits; the integer runtime holds at most 8`);
    const shift = q.spec.signed ? 0 : 2 ** (q.spec.bits - 1);
    return { scale: Float32Array.of(p.scale[0]), zeroPoint: Int32Array.of(p.zeroPoint[0] - shift), bits: q.spec.bits };
  }

  /** Casts a value to the grid `quant`: float values are quantized; int8 values on another grid are requantized (dequantize, quantize: what two fake quantizers in a row compute). */
  toGrid(v: LoweredValue, quant: IrQuant): LoweredValue {
    if (v.dtype === 'int8' && v.quant && sameQuant(v.quant, quant)) return v;
    const float = v.dtype === 'float32' ? v.name : this.builder.dequantize(v.name, { name: this.name('dequantize') }); // int8 or uint8
    return { name: this.builder.quantize(float, { name: this.name('quantize'), dtype: 'int8', quant }), dtype: 'int8', quant };
  }

  /**
   * The int8 tensor a layer computes on: with an input quantizer, `v` cast to its grid; without one,
   * `v` itself, which must then already be int8 (the previous layer's quantized output).
   */
  layerInput(layer: Module, v: LoweredValue): LoweredValue {
    if (layer.getQuantizer('input')) return this.toGrid(v, this.activationQuant(layer, 'input'));
    if (v.dtype !== 'int8' || !v.quant) this.fail(`its input is ${v.dtype}, not the int8 output of a quantized layer, and it has no 'input' quantizer (add an input rule for the first layer)`);
    return v;
  }

  /** The int8 input of an op that keeps or averages its input's grid (pools, flatten). */
  requireInt8(v: LoweredValue): LoweredValue & { quant: IrQuant } {
    if (v.dtype !== 'int8' || !v.quant) this.fail(`its input is ${v.dtype}, not int8: quantize the layer before it`);
    return v as LoweredValue & { quant: IrQuant };
  }

  /**
   * A weight constant: the codes the layer's weight quantizer produces from `w` (the folded weight),
   * stored as int8, or packed int4 / int2 for 2..4-bit grids. Weights must be symmetric and signed,
   * per-tensor or per-channel along `channelAxis`.
   */
  weightConstant(layer: Module, w: tf.Tensor, channelAxis: number): { name: string; quant: IrQuant } {
    const q = layer.getQuantizer('weight');
    if (!q) this.fail("its weight has no quantizer; the integer model stores quantized weights");
    const p = q.qparams();
    if (!q.spec.signed) this.fail('its weight grid is unsigned; the integer runtime takes signed weights');
    if (p.zeroPoint.some((z) => z !== 0)) this.fail('its weights have a nonzero zero point; the integer runtime takes symmetric weights');
    if (q.spec.bits > 8) this.fail(`its weights have ${q.spec.bits} bits; the integer runtime holds at most 8`);
    if (p.scale.length > 1 && p.axis !== channelAxis) this.fail(`its weights are per-channel along axis ${p.axis}; the integer runtime expects axis ${channelAxis}`);
    const values = w.dataSync();
    const codes = new Int8Array(values.length);
    let inner = 1;
    for (let i = channelAxis + 1; i < w.rank; i++) inner *= w.shape[i];
    for (let i = 0; i < values.length; i++) {
      const s = p.scale.length === 1 ? p.scale[0] : p.scale[Math.floor(i / inner) % p.scale.length];
      codes[i] = quantizeValue(values[i], s, 0, p.qmin, p.qmax);
    }
    const bits = q.spec.bits;
    const dtype = bits <= 2 ? 'int2' : bits <= 4 ? 'int4' : 'int8';
    const quant: IrQuant = { scale: Float32Array.from(p.scale), zeroPoint: new Int32Array(p.scale.length), bits, ...(p.scale.length > 1 ? { axis: channelAxis } : {}) };
    const data = dtype === 'int8' ? codes : packCodes(dtype, codes);
    const name = this.builder.constant({ name: this.name('weight'), dtype, shape: [...w.shape], quant, data });
    return { name, quant };
  }

  /** An int32 bias constant: round(b / fround(s_x * s_w[c])), the accumulator's own unit. */
  biasConstant(bias: tf.Tensor, input: IrQuant, weights: IrQuant): string {
    const values = bias.dataSync();
    const n = values.length;
    const quant = biasQuant(input, weights, n);
    const codes = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      const scale = quant.scale[quant.scale.length === 1 ? 0 : c];
      const code = roundHalfEven(Math.fround(values[c] / scale)); // the float32 division fakeQuantizeBias does
      if (!(Math.abs(code) <= 2 ** 31 - 1)) this.fail(`its bias ${values[c]} does not fit int32 at scale ${scale}`);
      codes[c] = code;
    }
    return this.builder.constant({ name: this.name('bias'), dtype: 'int32', shape: [n], quant, data: codes });
  }

  /** The clamp, in output codes, of a fused activation. */
  clampFor(out: IrQuant, activation: FusedActivation): [number, number] {
    const qmin = -(2 ** (out.bits - 1));
    const qmax = 2 ** (out.bits - 1) - 1;
    const zp = out.zeroPoint[0];
    if (activation === 'none') return [qmin, qmax];
    const lo = Math.min(qmax, Math.max(qmin, zp));
    const hi = activation === 'relu6' ? Math.min(qmax, zp + roundHalfEven(6 / out.scale[0])) : qmax;
    return [lo, Math.max(lo, hi)];
  }
}

