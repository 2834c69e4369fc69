import { ModelBuilder, type IntModel } from '@qatjs/ir';
import type { Module } from '../module/module.ts';
import { QatjsError, describeValue } from '../util/errors.ts';
import { ConvertError, LoweringContext, type LoweredValue } from './lowering-context.ts';

export interface ConvertOptions {
  /** One input sample's shape (no batch axis), e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly inputName?: string;
  readonly outputName?: string;
  /** Dequantize the output to float32 (default true); false leaves int8 codes. */
  readonly floatOutput?: boolean;
  /**
   * Take the input as uint8 codes instead of float32 (e.g. raw pixels: { dtype: 'uint8', scale: 1 / 255 }):
   * real value = (code - zeroPoint) * scale. The first layer's input quantizer still defines the grid
   * the network computes on; the integer model moves the codes onto it.
   */
  readonly input?: { readonly dtype: 'float32' } | { readonly dtype: 'uint8'; readonly scale: number; readonly zeroPoint?: number };
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Lowers a prepared (and trained or calibrated) model to an IntModel: folded, quantized weights
 * (int8, or packed int4/int2), int32 biases, activation grids from the quantizers, fused activations
 * as clamps. The input is float32 [batch, ...inputShape], quantized by the first layer's input
 * quantizer; the output is dequantized unless floatOutput is false. Every layer must implement
 * lower(); the result is validated by @qatjs/ir.
 */
export function convert(model: Module, options: ConvertOptions): IntModel {
  if (model === null || typeof model !== 'object' || typeof (model as Module).namedModules !== 'function') {
    throw new QatjsError('convert: model must be a Module');
  }
  if (!model.quantController) throw new ConvertError('convert: the model is not prepared (prepare it, then train or calibrate it)');
  if (!options || !Array.isArray(options.inputShape) || !options.inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new QatjsError(`convert: inputShape must be the shape of one sample, e.g. [28, 28, 1], got ${describeValue(options?.inputShape)}`);
  }
  const builder = new ModelBuilder({ metadata: { producer: '@qatjs/core convert', ...(options.metadata ?? {}) } });
  const ctx = new LoweringContext(builder);
  const inputName = options.inputName ?? 'input';
  const shape = [-1, ...options.inputShape];
  let first: LoweredValue;
  const spec = options.input ?? { dtype: 'float32' };
  if (spec.dtype === 'uint8') {
    const zp = spec.zeroPoint ?? 0;
    if (!(Number.isFinite(spec.scale) && spec.scale > 0) || !Number.isInteger(zp) || zp < 0 || zp > 255) {
      throw new QatjsError(`convert: a uint8 input needs scale > 0 and an integer zeroPoint in 0..255, got ${describeValue(spec.scale)} and ${describeValue(spec.zeroPoint)}`);
    }
    const quant = { scale: Float32Array.of(spec.scale), zeroPoint: Int32Array.of(zp), bits: 8 };
    first = { name: builder.input(inputName, 'uint8', shape, quant), dtype: 'uint8', quant };
  } else if (spec.dtype === 'float32') {
    first = { name: builder.input(inputName, 'float32', shape), dtype: 'float32' };
  } else {
    throw new QatjsError(`convert: input.dtype must be 'float32' or 'uint8', got ${describeValue((spec as { dtype: unknown }).dtype)}`);
  }
  const wasTraining = model.training;
  model.eval();
  try {
    let out = ctx.lowerAt('', model, [first]);
    if (out.dtype === 'int8' && options.floatOutput !== false) {
      out = { name: builder.dequantize(out.name, { name: options.outputName ?? 'output' }), dtype: 'float32' };
    }
    builder.output(out.name);
    return builder.build();
  } finally {
    model.train(wasTraining);
  }
}
