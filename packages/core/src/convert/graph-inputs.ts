import type { ModelBuilder, QuantParams as IrQuant } from '@qatjs/ir';
import { QatjsError, describeValue } from '../util/errors.ts';
import type { LoweredValue } from './lowering-context.ts';

/**
 * One graph input of a converted model. `shape` is one sample's shape (the batch -1 is prepended);
 * negative dims are sizes chosen at run time (-2, -3, ...: e.g. [-2, 28] is a sequence of 28-feature
 * steps; the same number is the same size). float32 inputs are quantized by the layer that takes
 * them; uint8 inputs are codes whose real value is (code - zeroPoint) * scale; int32 inputs are
 * integers without a grid (token ids, for an Embedding).
 */
export type GraphInput =
  | { readonly name: string; readonly shape: readonly number[]; readonly dtype: 'float32' | 'int32' }
  | { readonly name: string; readonly shape: readonly number[]; readonly dtype: 'uint8'; readonly scale: number; readonly zeroPoint?: number };

const isDim = (d: unknown): boolean => Number.isInteger(d) && ((d as number) >= 1 || (d as number) <= -2);

/** Declares the graph inputs in order and returns them as lowered values. */
export function declareInputs(builder: ModelBuilder, inputs: readonly GraphInput[]): LoweredValue[] {
  const seen = new Set<string>();
  return inputs.map((spec, i) => {
    const where = `convert: inputs[${i}]`;
    if (spec === null || typeof spec !== 'object') throw new QatjsError(`${where} must be { name, shape, dtype }, got ${describeValue(spec)}`);
    if (typeof spec.name !== 'string' || spec.name === '' || seen.has(spec.name)) {
      throw new QatjsError(`${where}.name must be a non-empty string, unique among the inputs, got ${describeValue(spec.name)}`);
    }
    seen.add(spec.name);
    if (!Array.isArray(spec.shape) || !spec.shape.every(isDim)) {
      throw new QatjsError(
        `${where}.shape must be the shape of one sample (no batch axis): sizes >= 1, or -2, -3, ... for sizes chosen at run time, e.g. [28, 28, 1] or [-2, 28]; got ${describeValue(spec.shape)}`,
      );
    }
    const shape = [-1, ...spec.shape];
    if (spec.dtype === 'float32' || spec.dtype === 'int32') return { name: builder.input(spec.name, spec.dtype, shape), dtype: spec.dtype };
    if (spec.dtype === 'uint8') {
      const zp = spec.zeroPoint ?? 0;
      if (!(Number.isFinite(spec.scale) && spec.scale > 0) || !Number.isInteger(zp) || zp < 0 || zp > 255) {
        throw new QatjsError(`${where}: a uint8 input needs scale > 0 and an integer zeroPoint in 0..255, got ${describeValue(spec.scale)} and ${describeValue(spec.zeroPoint)}`);
      }
      const quant: IrQuant = { scale: Float32Array.of(spec.scale), zeroPoint: Int32Array.of(zp), bits: 8 };
      return { name: builder.input(spec.name, 'uint8', shape, quant), dtype: 'uint8', quant };
    }
    throw new QatjsError(`${where}.dtype must be 'float32', 'uint8' or 'int32', got ${describeValue((spec as { dtype: unknown }).dtype)}`);
  });
}
