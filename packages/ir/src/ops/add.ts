import { formatShape, sameShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { CLAMP, TWO_INT_INPUTS, INT_OUTPUT } from './common.ts';

/**
 * add (residual): a and b of the same shape (no broadcasting), int8/uint8 each with its own scale and
 * zero point -> y, same shape (int8/uint8, s_y, z_y). attrs: clamp [lo, hi]. Elementwise, as the QDQ
 * graph DequantizeLinear-Add-QuantizeLinear in float32 (numerics.addQuantized):
 *
 *   v = fround(fround((a - z_a) * s_a) + fround((b - z_b) * s_b))
 *   y = clamp(roundHalfEven(fround(v / s_y)) + z_y, lo, hi)
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
    return [{ shape: a.shape }];
  },
};
