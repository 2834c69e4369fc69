import { LIMITS } from '../limits.ts';
import { sameQuant } from '../quant.ts';
import { formatShape } from '../shape.ts';
import type { ActivationDType } from '../types.ts';
import type { InputSpec, OpSchema, TensorInfo } from './schema.ts';
import { attrInt } from './schema.ts';
import { INT_ACTIVATIONS } from './common.ts';

/** The most inputs one concat node takes. */
export const CONCAT_MAX_INPUTS = 8;

const INPUTS: readonly InputSpec[] = Array.from({ length: CONCAT_MAX_INPUTS }, (_, i) => ({
  name: `x${i}`, kind: 'activation' as const, dtypes: INT_ACTIVATIONS, optional: i >= 2,
}));

/**
 * concat: 2..8 int8/uint8 values x0, x1, ... of the same rank, dtype and quant params (bit for bit:
 * a bidirectional layer's two directions share one hidden grid, so the result is exact; differing
 * params are refused, naming both) joined along `axis`: y's dims are the inputs' (equal, run-time
 * sizes the same symbol) except `axis`, which must be static in every input and is their sum.
 *
 *   y[..., o_j + a, ...] = x_j[..., a, ...]   (o_j = the sum of the axis sizes of x_0 .. x_{j-1})
 *
 * y has x0's dtype and quant params: no code changes.
 */
export const concat: OpSchema = {
  op: 'concat',
  inputs: INPUTS,
  outputs: [{ name: 'y', dtypes: INT_ACTIVATIONS }],
  attrs: { axis: { kind: 'int', min: 0, max: LIMITS.maxRank - 1 } },
  infer(ctx) {
    const xs = ctx.inputs.filter((t): t is TensorInfo => t !== undefined);
    const first = xs[0];
    const axis = attrInt(ctx, 'axis');
    const rank = first.shape.length;
    if (axis >= rank) ctx.fail('attrs.axis', `is ${axis}, but x0 '${first.name}' ${formatShape(first.shape)} has rank ${rank}`);
    let total = 0;
    xs.forEach((x, j) => {
      if (x.dtype !== first.dtype || !sameQuant(x.quant, first.quant)) {
        ctx.fail(`inputs[${j}]`, `'${x.name}' (${x.dtype}, scale ${x.quant?.scale[0]}, zero point ${x.quant?.zeroPoint[0]}, bits ${x.quant?.bits}) and '${first.name}' (${first.dtype}, scale ${first.quant?.scale[0]}, zero point ${first.quant?.zeroPoint[0]}, bits ${first.quant?.bits}) must have the same dtype and quant params`);
      }
      if (x.shape.length !== rank || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        ctx.fail(`inputs[${j}]`, `'${x.name}' ${formatShape(x.shape)} must match x0 '${first.name}' ${formatShape(first.shape)} in every dim but axis ${axis}`);
      }
      if (x.shape[axis] < 0) ctx.fail(`inputs[${j}]`, `'${x.name}' ${formatShape(x.shape)} must have a static size along axis ${axis}`);
      total += x.shape[axis];
    });
    const shape = first.shape.map((d, i) => (i === axis ? total : d));
    return [{ shape, dtype: first.dtype as ActivationDType, quant: first.quant }];
  },
};
