import { ModelBuilder, type IntModel } from '@qatjs/ir';
import type { Module } from '../module/module.ts';
import { QatjsError, describeValue } from '../util/errors.ts';
import { ConvertError, LoweringContext } from './lowering-context.ts';

export interface ConvertOptions {
  /** One input sample's shape (no batch axis), e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly inputName?: string;
  readonly outputName?: string;
  /** Dequantize the output to float32 (default true); false leaves int8 codes. */
  readonly floatOutput?: boolean;
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
  const input = builder.input(options.inputName ?? 'input', 'float32', [-1, ...options.inputShape]);
  const wasTraining = model.training;
  model.eval();
  try {
    let out = ctx.lowerAt('', model, [{ name: input, dtype: 'float32' }]);
    if (out.dtype === 'int8' && options.floatOutput !== false) {
      out = { name: builder.dequantize(out.name, { name: options.outputName ?? 'output' }), dtype: 'float32' };
    }
    builder.output(out.name);
    return builder.build();
  } finally {
    model.train(wasTraining);
  }
}
