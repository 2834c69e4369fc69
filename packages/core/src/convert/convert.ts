import type { IntModel } from '@qatjs/ir';
import type { Module, ModuleOutput } from '../module/module.ts';
import { QatjsError, describeValue } from '../util/errors.ts';
import { declareInputs, type GraphInput } from './graph-inputs.ts';
import { ConvertError, LoweringContext, isLoweredValue, type LoweredValue } from './lowering-context.ts';
import { TracingBuilder } from './tracing-builder.ts';

export interface ConvertOptions {
  /**
   * The graph inputs, in the order the root module's lower() takes them. Each shape is one sample's
   * (the batch -1 is prepended) and may hold -2, -3, ... for sizes chosen at run time.
   */
  readonly inputs?: readonly GraphInput[];
  /** One input: one sample's shape (no batch axis), e.g. [28, 28, 1]. The shorthand for inputs: [{ name: inputName, shape: inputShape, ...input }]. */
  readonly inputShape?: readonly number[];
  readonly inputName?: string;
  /** The graph output's name when the model returns one tensor (dequantized); named outputs take their names. */
  readonly outputName?: string;
  /** Dequantize the outputs to float32 (default true); false leaves int8 codes. */
  readonly floatOutput?: boolean;
  /**
   * With inputShape: take the input as int32 token ids ({ dtype: 'int32' }, for an Embedding), or as uint8 codes instead of float32 (e.g. raw pixels: { dtype: 'uint8', scale: 1 / 255 }):
   * real value = (code - zeroPoint) * scale. The first layer's input quantizer still defines the grid
   * the network computes on; the integer model moves the codes onto it.
   */
  readonly input?: { readonly dtype: 'float32' | 'int32' } | { readonly dtype: 'uint8'; readonly scale: number; readonly zeroPoint?: number };
  readonly metadata?: Readonly<Record<string, string>>;
}

const isDim = (d: unknown): boolean => Number.isInteger(d) && ((d as number) >= 1 || (d as number) <= -2);

function graphInputs(options: ConvertOptions): readonly GraphInput[] {
  if (options.inputs !== undefined) {
    if (options.inputShape !== undefined || options.input !== undefined || options.inputName !== undefined) {
      throw new QatjsError('convert: give either inputs or inputShape (with input and inputName), not both');
    }
    if (!Array.isArray(options.inputs) || options.inputs.length === 0) {
      throw new QatjsError(`convert: inputs must be a non-empty array of { name, shape, dtype }, got ${describeValue(options.inputs)}`);
    }
    return options.inputs;
  }
  if (!Array.isArray(options.inputShape) || !options.inputShape.every(isDim)) {
    throw new QatjsError(`convert: inputShape must be the shape of one sample, e.g. [28, 28, 1], got ${describeValue(options.inputShape)}`);
  }
  const spec = options.input ?? { dtype: 'float32' };
  if (spec.dtype !== 'float32' && spec.dtype !== 'uint8' && spec.dtype !== 'int32') {
    throw new QatjsError(`convert: input.dtype must be 'float32', 'uint8' or 'int32', got ${describeValue((spec as { dtype: unknown }).dtype)}`);
  }
  return [{ ...spec, name: options.inputName ?? 'input', shape: options.inputShape }];
}

/**
 * Lowers a prepared (and trained or calibrated) model to an IntModel: folded, quantized weights
 * (int8, or packed int4/int2), int32 biases, activation grids from the quantizers, fused activations
 * as clamps. The graph inputs (float32 [batch, ...shape], or uint8 codes) go to the root's lower() in
 * order; a model that returns one value has one graph output, one returning named values one output
 * per name; int8 outputs are dequantized unless floatOutput is false (or the value keeps its codes:
 * LoweredValue.keepCodes). Every layer must implement
 * lower() and every quantizer it lowers must be affine (docs/guides/writing-a-quantizer.md); errors
 * are ConvertErrors naming the layer path. The result is validated by @qatjs/ir.
 */
export function convert(model: Module<ModuleOutput>, options: ConvertOptions): IntModel {
  if (model === null || typeof model !== 'object' || typeof (model as Module<ModuleOutput>).namedModules !== 'function') {
    throw new QatjsError('convert: model must be a Module');
  }
  if (!model.quantController) throw new ConvertError('convert: the model is not prepared (prepare it, then train or calibrate it)');
  if (options === null || typeof options !== 'object') throw new QatjsError(`convert: options must be an object, got ${describeValue(options)}`);
  const builder = new TracingBuilder({ metadata: { producer: '@qatjs/core convert', ...(options.metadata ?? {}) } });
  const ctx = new LoweringContext(builder);
  const wasTraining = model.training;
  model.eval();
  try {
    let inputs: LoweredValue[];
    try {
      inputs = declareInputs(builder, graphInputs(options));
    } catch (e) {
      throw ctx.explain(e);
    }
    const out = ctx.lowerAt('', model, inputs);
    const finish = (v: LoweredValue, name: string): string =>
      (v.dtype === 'int8' || v.dtype === 'uint8') && options.floatOutput !== false && v.keepCodes !== true ? builder.dequantize(v.name, { name }) : v.name;
    try {
      if (isLoweredValue(out)) {
        builder.output(finish(out, options.outputName ?? 'output'));
      } else {
        if (options.outputName !== undefined) throw new QatjsError(`convert: outputName is for a model with one output; this one returns ${Object.keys(out).join(', ')}`);
        builder.output(...Object.entries(out).map(([name, v]) => finish(v, name)));
      }
      return builder.build();
    } catch (e) {
      throw ctx.explain(e);
    }
  } finally {
    model.train(wasTraining);
  }
}
