import { formatShape, sameShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { CLAMP, TWO_INT_INPUTS, INT_OUTPUT, checkRescale } from './common.ts';

/**
 * add (residual): a and b of the same shape (no broadcasting), int8/uint8 each with its own scale and
 * zero point -> y, same shape (int8/uint8, s_y, z_y). attrs: clamp [lo, hi]. Elementwise, both inputs
 * rescaled to y's scale in float32 and added (numerics.addQuantized):
 *
 *   m_a = requantMultiplier(s_a, 1, s_y), m_b = requantMultiplier(s_b, 1, s_y)
 *   v = fround(fround((a - z_a) * m_a) + fround((b - z_b) * m_b))
 *   y = clamp(roundHalfEven(v) + z_y, lo, hi)
 */
export const add: OpSchema = {
  op: 'add',
  inputs: TWO_INT_INPUTS,
  outputs: INT_OUTPUT,
  attrs: { clamp: CLAMP },
  infer(ctx) {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    if (!sameShape(a.shape, b.shape)) ctx.fail('inputs', `a ${formatShape(a.shape)} and b ${formatShape(b.shape)} must have the same shape`);
    if (ctx.outputs) {
      checkRescale(ctx, 0, ctx.outputs[0]);
      checkRescale(ctx, 1, ctx.outputs[0]);
    }
    return [{ shape: a.shape }];
  },
};
