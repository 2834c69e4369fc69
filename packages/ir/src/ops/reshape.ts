import { LIMITS } from '../limits.ts';
import { elementCount, formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { attrInts, input } from './schema.ts';

/**
 * reshape: x (any activation dtype) -> y with shape `attrs.shape`, the same elements in the same
 * row-major order, and y's dtype and quant params EQUAL to x's (a no-op on the bytes).
 * When x's dim 0 is the run-time batch (-1), shape[0] must be -1 too and the batch is kept: the
 * products of the other dims agree. Otherwise every dim is static and the products agree.
 */
export const reshape: OpSchema = {
  op: 'reshape',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'float32'] }],
  attrs: { shape: { kind: 'ints', minLength: 1, maxLength: LIMITS.maxRank, min: -1, max: LIMITS.maxElements } },
  infer(ctx) {
    const x = input(ctx, 0);
    const shape = attrInts(ctx, 'shape');
    const badDim = shape.findIndex((d, i) => d === 0 || (d === -1 && i > 0));
    if (badDim >= 0) ctx.fail('attrs.shape', `dim ${badDim} is ${shape[badDim]}; dims are >= 1, and -1 (the batch) is allowed at dim 0 only`);
    if ((x.shape[0] === -1) !== (shape[0] === -1)) {
      ctx.fail('attrs.shape', `${formatShape(shape)} must keep the run-time batch of x ${formatShape(x.shape)}: -1 at dim 0 in both or neither`);
    }
    if (elementCount(shape) !== elementCount(x.shape)) {
      ctx.fail('attrs.shape', `${formatShape(shape)} does not hold the ${elementCount(x.shape)} elements of x ${formatShape(x.shape)}`);
    }
    return [{ shape, dtype: x.dtype as 'int8' | 'uint8' | 'float32', quant: x.quant }];
  },
};
