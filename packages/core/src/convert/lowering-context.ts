import * as tf from '@tensorflow/tfjs-core';
import { IntModelError, biasQuant, codeRange, packCodes, roundHalfEven, sameQuant, type ModelBuilder, type QuantParams as IrQuant } from '@qatjs/ir';
import type { Module, ModuleOutput, NamedTensors } from '../module/module.ts';
import type { Quantizer } from '../quantizer/quantizer.ts';
import { MAX_INT_RUNTIME_BITS, MAX_WIDE_ACTIVATION_BITS } from '../spec/quant-spec.ts';
import { QatjsError } from '../util/errors.ts';
import { activationGridProblem, affineProblem, weightCodes, weightMismatchProblem } from './quantizer-checks.ts';
import { TracingBuilder } from './tracing-builder.ts';

/** A tensor of the integer model being built: an IR value name, its dtype, and for int8/uint8/int16 its grid. */
export interface LoweredValue {
  readonly name: string;
  /**
   * int8 for what most layers produce; uint8 only for a raw-pixel graph input; int32 for token ids
   * (an Embedding's input); int16 for a recurrent cell state and a 16-bit residual stream.
   */
  readonly dtype: 'float32' | 'int8' | 'uint8' | 'int16' | 'int32';
  readonly quant?: IrQuant;
  /** As a graph output, left as codes even when convert() dequantizes the outputs (a recurrent state the next run takes back as an input). */
  readonly keepCodes?: boolean;
}

/** Several lowered values by name, as a module returning named tensors lowers (an LSTM's { output, h, c }). */
export type NamedLoweredValues = { readonly [name: string]: LoweredValue };

/** What lower() returns: one value, or named values. */
export type LoweredOutput = LoweredValue | NamedLoweredValues;

/** What a module of forward() output type O lowers to. */
export type LoweredOf<O extends ModuleOutput> = O extends NamedTensors ? NamedLoweredValues : O extends tf.Tensor ? LoweredValue : LoweredOutput;

/** A module that can write itself into an IntModel; layers implement it beside forward(). */
export interface Lowerable {
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredOutput;
}

function isLowerable(m: Module<ModuleOutput>): m is Module<ModuleOutput> & Lowerable {
  return typeof (m as Partial<Lowerable>).lower === 'function';
}

/** True for one lowered value (not a map of named values). */
export function isLoweredValue(v: unknown): v is LoweredValue {
  return v !== null && typeof v === 'object' && typeof (v as LoweredValue).name === 'string' && typeof (v as LoweredValue).dtype === 'string';
}

/** Conversion failed: the message names the layer path (and the point, when there is one) and what is wrong. */
export class ConvertError extends QatjsError {
  override readonly name = 'ConvertError';
}

const NODE_FIELD = /^nodes\[(\d+)\]/;

/**
 * What lower() implementations get: the IR builder plus the conversions every layer needs, each
 * doing exactly what the fake-quant model does, so the integer model computes the same thing.
 * Helpers that read a quantization point take its name, defaulting to the usual one.
 */
export class LoweringContext {
  private readonly paths: string[] = [];
  private readonly used = new Set<string>();
  private point: string | undefined;

  constructor(readonly builder: ModelBuilder) {}

  /** Path of the module being lowered ('' for the root). */
  get path(): string {
    return this.paths[this.paths.length - 1] ?? '';
  }

  /** Throws a ConvertError naming the layer path and, if given, the point: `convert: <path> (<point>): <message>`. */
  fail(message: string, point?: string): never {
    throw new ConvertError(`convert: ${this.path || '<root>'}${point ? ` (${point})` : ''}: ${message}`);
  }

  /** Lowers a child module registered under `name` of the module being lowered; passes one value or named values through. */
  lowerChild<O extends ModuleOutput>(name: string, child: Module<O>, inputs: readonly LoweredValue[]): LoweredOf<O> {
    const path = this.path ? `${this.path}.${name}` : name;
    return this.lowerAt(path, child, inputs);
  }

  lowerAt<O extends ModuleOutput>(path: string, module: Module<O>, inputs: readonly LoweredValue[]): LoweredOf<O> {
    this.paths.push(path);
    try {
      if (!isLowerable(module)) this.fail(`a ${module.kind} layer cannot be converted (it has no lower())`);
      const out = module.lower(this, inputs);
      if (!isLoweredValue(out) && (out === null || typeof out !== 'object' || !Object.values(out).every(isLoweredValue))) {
        this.fail(`lower() of the ${module.kind} layer returned neither a lowered value nor named lowered values`);
      }
      return out as LoweredOf<O>;
    } catch (e) {
      throw this.explain(e, module);
    } finally {
      this.paths.pop();
    }
  }

  /**
   * An IR validation error raised while a layer lowers, as a ConvertError naming the layer path, the
   * point when known (a helper's, or the declared point a node is named after) and the node by name.
   */
  explain(e: unknown, module?: Module<ModuleOutput>): unknown {
    if (!(e instanceof IntModelError) || e instanceof ConvertError) return e;
    let message = e.message;
    let point = this.point;
    const m = NODE_FIELD.exec(e.field);
    const node = m && this.builder instanceof TracingBuilder ? this.builder.nodeName(Number(m[1])) : undefined;
    if (m && node !== undefined) {
      message = `node '${node}'${message.slice(m[0].length)}`;
      const prefix = `${this.path || 'root'}.`;
      const suffix = node.startsWith(prefix) ? node.slice(prefix.length) : undefined;
      if (point === undefined && suffix && module?.quantPoints().some((d) => d.name === suffix)) point = suffix;
    }
    const out = new ConvertError(`convert: ${this.path || '<root>'}${point ? ` (${point})` : ''}: ${message}`);
    (out as { cause?: unknown }).cause = e;
    return out;
  }

  /** Runs fn with `point` as the point errors name (explained here, while the point is set). */
  private at<T>(point: string, fn: () => T): T {
    const outer = this.point;
    this.point = point;
    try {
      return fn();
    } catch (e) {
      throw this.explain(e);
    } finally {
      this.point = outer;
    }
  }

  /**
   * A fresh value or constant name under the current path ("features.0.weight"); at the root,
   * "root.<suffix>", so that the root's own values leave the graph output names free.
   */
  name(suffix: string): string {
    const base = `${this.path || 'root'}.${suffix}`;
    let n = base;
    for (let i = 2; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** The quantizer at `point`, which must be there and affine. */
  private convertible(layer: Module<ModuleOutput>, point: string, missing: string): Quantizer {
    const q = layer.getQuantizer(point);
    if (!q) this.fail(missing);
    const problem = affineProblem(q);
    if (problem) this.fail(problem, point);
    return q;
  }

  /**
   * The grid of a layer's activation point as int8 codes: unsigned b-bit grids [0, 2^b - 1] become
   * the signed grid [-2^(b-1), 2^(b-1) - 1] with the zero point moved by 2^(b-1), which represents
   * exactly the same real values. The quantizer must be affine and its [qmin, qmax] the whole grid.
   * More than 8 bits is refused here: only the ops of a residual stream take wider codes (activationGrid).
   */
  activationQuant(layer: Module<ModuleOutput>, point: string): IrQuant {
    return this.activationGrid(layer, point, MAX_INT_RUNTIME_BITS).quant;
  }

  /**
   * The grid of an activation point and the codes that hold it: int8 up to 8 bits, int16 for 9..16
   * bits (at most `maxBits`, default 16), for the ops that take int16 codes (add, positionalAdd,
   * quantize, dequantize: a 16-bit residual stream, docs/numerics.md). Otherwise as activationQuant.
   */
  activationGrid(layer: Module<ModuleOutput>, point: string, maxBits = MAX_WIDE_ACTIVATION_BITS): { dtype: 'int8' | 'int16'; quant: IrQuant } {
    const q = this.convertible(layer, point, `its '${point}' point has no quantizer; the integer model needs it quantized`);
    const p = q.qparams();
    if (p.scale.length !== 1) this.fail(`the '${point}' quantizer is per-channel; activations run per-tensor on the integer runtime`, point);
    if (q.spec.bits > maxBits) this.fail(`the '${point}' quantizer has ${q.spec.bits} bits; the integer runtime holds at most ${maxBits}`, point);
    const shift = q.spec.signed ? 0 : 2 ** (q.spec.bits - 1);
    const problem = activationGridProblem(q, p, shift);
    if (problem) this.fail(problem, point);
    const quant: IrQuant = { scale: Float32Array.of(p.scale[0]), zeroPoint: Int32Array.of(p.zeroPoint[0] - shift), bits: q.spec.bits };
    return { dtype: q.spec.bits > MAX_INT_RUNTIME_BITS ? 'int16' : 'int8', quant };
  }

  /**
   * Casts a value to the grid `quant` held as `dtype` codes: float values are quantized; codes on
   * another grid (int8, uint8, int16) are requantized (dequantize, quantize: what two fake quantizers
   * in a row compute).
   */
  toGrid(v: LoweredValue, quant: IrQuant, dtype: 'int8' | 'int16' = 'int8'): LoweredValue {
    if (v.dtype === dtype && v.quant && sameQuant(v.quant, quant)) return v;
    const float = v.dtype === 'float32' ? v.name : this.builder.dequantize(v.name, { name: this.name('dequantize') }); // int8, uint8 or int16
    return { name: this.builder.quantize(float, { name: this.name('quantize'), dtype, quant }), dtype, quant };
  }

  /**
   * The int8 tensor a layer computes on: with a quantizer at `point`, `v` cast to its grid; without
   * one, `v` itself, which must then already be int8 (the previous layer's quantized output).
   */
  layerInput(layer: Module<ModuleOutput>, v: LoweredValue, point = 'input'): LoweredValue {
    return this.at(point, () => {
      if (layer.getQuantizer(point)) return this.toGrid(v, this.activationQuant(layer, point));
      if (v.dtype !== 'int8' || !v.quant) this.fail(`its ${point} is ${v.dtype}, not the int8 output of a quantized layer, and it has no '${point}' quantizer (add an ${point} rule for the first layer)`);
      return v;
    });
  }

  /** The codes (int8, or int16 of a 16-bit residual stream) of an op that rescales them itself (add). */
  requireCodes(v: LoweredValue): LoweredValue & { quant: IrQuant; dtype: 'int8' | 'int16' } {
    if ((v.dtype !== 'int8' && v.dtype !== 'int16') || !v.quant) this.fail(`its input is ${v.dtype}, not int8 or int16 codes: quantize the layer before it`);
    return v as LoweredValue & { quant: IrQuant; dtype: 'int8' | 'int16' };
  }

  /** The int8 input of an op that keeps or averages its input's grid (pools, flatten). */
  requireInt8(v: LoweredValue): LoweredValue & { quant: IrQuant } {
    if (v.dtype !== 'int8' || !v.quant) this.fail(`its input is ${v.dtype}, not int8: quantize the layer before it`);
    return v as LoweredValue & { quant: IrQuant };
  }

  /**
   * A weight constant: the codes the layer's quantizer at `point` produces from `w` (the folded
   * weight), stored as int8, or packed int4 / int2 for 2..4-bit grids, with the quantizer's zero
   * points (per-tensor or per-channel along `channelAxis`; unsigned grids moved down by 2^(b-1)).
   * The quantizer must be affine and its eval-mode fake-quantized weights equal to these codes.
   */
  weightConstant(layer: Module<ModuleOutput>, w: tf.Tensor, channelAxis: number, point = 'weight'): { name: string; quant: IrQuant } {
    return this.at(point, () => {
      const q = this.convertible(layer, point, 'its weight has no quantizer; the integer model stores quantized weights');
      const p = q.qparams();
      if (q.spec.bits > MAX_INT_RUNTIME_BITS) this.fail(`its weights have ${q.spec.bits} bits; the integer runtime holds at most ${MAX_INT_RUNTIME_BITS}`, point);
      if (p.scale.length > 1 && p.axis !== channelAxis) this.fail(`its weights are per-channel along axis ${p.axis}; the integer runtime expects axis ${channelAxis}`, point);
      const full = codeRange(q.spec.bits, q.spec.signed);
      if (p.qmin < full.qmin || p.qmax > full.qmax) this.fail(`quantizer '${q.quantizer}' declares the grid [${p.qmin}, ${p.qmax}], outside the ${q.spec.bits}-bit grid [${full.qmin}, ${full.qmax}]`, point);
      const codes = weightCodes(w, p, channelAxis);
      const problem = weightMismatchProblem(q, w, p, codes, channelAxis);
      if (problem) this.fail(problem, point);
      const shift = q.spec.signed ? 0 : 2 ** (q.spec.bits - 1);
      const bits = q.spec.bits;
      const dtype = bits <= 2 ? 'int2' : bits <= 4 ? 'int4' : 'int8';
      const int8 = Int8Array.from(codes, (c) => c - shift);
      const zeroPoint = Int32Array.from(p.zeroPoint, (z) => z - shift);
      const quant: IrQuant = { scale: Float32Array.from(p.scale), zeroPoint, bits, ...(p.scale.length > 1 ? { axis: channelAxis } : {}) };
      const data = dtype === 'int8' ? int8 : packCodes(dtype, int8);
      const name = this.builder.constant({ name: this.name(point), dtype, shape: [...w.shape], quant, data });
      return { name, quant };
    });
  }

  /** An int32 bias constant: round(b / fround(s_x * s_w[c])), the accumulator's own unit. */
  biasConstant(bias: tf.Tensor, input: IrQuant, weights: IrQuant, suffix = 'bias'): string {
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
    return this.builder.constant({ name: this.name(suffix), dtype: 'int32', shape: [n], quant, data: codes });
  }
}
