import type { ActivationDType } from '../types.ts';
import { LIMITS } from '../limits.ts';
import { BATCH_DIM, MIN_DYNAMIC_DIM, dynamicDims, elementCount, formatShape, sameShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { attrInts, input } from './schema.ts';

/**
 * reshape: x (any activation dtype) -> y with shape `attrs.shape`, the same elements in the same
 * row-major order, and y's dtype and quant params EQUAL to x's (a no-op on the bytes).
 * `shape` may hold run-time sizes (negative dims, shape.ts): -1 (the batch) at dim 0 only, -2, -3,
 * ... anywhere. y uses exactly the run-time sizes of x (the same multiset: [-1, -2, 8] -> [-1, -2, 2, 4]
 * or [-1, 8, -2]) and the products of the static dims agree, so the element counts agree for every
 * choice of the sizes. A fully static x gives a fully static y.
 */
export const reshape: OpSchema = {
  op: 'reshape',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'float32'] }],
  attrs: { shape: { kind: 'ints', minLength: 1, maxLength: LIMITS.maxRank, min: MIN_DYNAMIC_DIM, max: LIMITS.maxElements } },
  infer(ctx) {
    const x = input(ctx, 0);
    const shape = attrInts(ctx, 'shape');
    const badDim = shape.findIndex((d, i) => d === 0 || (d === BATCH_DIM && i > 0));
    if (badDim >= 0) ctx.fail('attrs.shape', `dim ${badDim} is ${shape[badDim]}; dims are >= 1, and -1 (the batch) is allowed at dim 0 only`);
    if ((x.shape[0] === BATCH_DIM) !== (shape[0] === BATCH_DIM)) {
      ctx.fail('attrs.shape', `${formatShape(shape)} must keep the run-time batch of x ${formatShape(x.shape)}: -1 at dim 0 in both or neither`);
    }
    if (!sameShape(dynamicDims(shape), dynamicDims(x.shape))) {
      ctx.fail('attrs.shape', `${formatShape(shape)} must use the same run-time sizes as x ${formatShape(x.shape)}: ${formatShape(dynamicDims(x.shape))}`);
    }
    if (elementCount(shape) !== elementCount(x.shape)) {
      ctx.fail('attrs.shape', `${formatShape(shape)} does not hold the ${elementCount(x.shape)} elements of x ${formatShape(x.shape)}`);
    }
    return [{ shape, dtype: x.dtype as ActivationDType, quant: x.quant }];
  },
};
