import type { OpSchema } from './schema.ts';
import { checkRescale } from './common.ts';
import { ADD_INPUTS, ADD_OUTPUT, OPTIONAL_CLAMP, binaryElementwise } from './elementwise.ts';

/**
 * add (residual, bias, gates): a and b broadcast numpy-style (right-aligned; each pair of dims equal
 * or one of them 1; a run-time size matches only the same size or 1) -> y of the broadcast shape.
 * Two forms, chosen by the dtypes:
 *
 * - quantized: a, b int8/uint8/int16 (mixed freely: a 16-bit residual stream plus an int8 branch),
 *   each with its own scale and zero point -> y int8/uint8/int16 (s_y, z_y); attr clamp [lo, hi]
 *   required. Both inputs rescaled to y's scale in float32 and added (numerics.addQuantized; the
 *   same formula for every code width: |a - z_a| <= 65535 is exact in float32):
 *     m_a = requantMultiplier(s_a, 1, s_y), m_b = requantMultiplier(s_b, 1, s_y)
 *     v = fround(fround((a - z_a) * m_a) + fround((b - z_b) * m_b))
 *     y = clamp(roundHalfEven(v) + z_y, lo, hi)
 * - float: a, b, y all float32, no clamp: y = fround(a + b) (float-numerics.addFloat), exact.
 */
export const add: OpSchema = {
  op: 'add',
  inputs: ADD_INPUTS,
  outputs: ADD_OUTPUT,
  attrs: { clamp: OPTIONAL_CLAMP },
  infer(ctx) {
    const { float, inferred } = binaryElementwise(ctx, 'add');
    if (!float && ctx.outputs) {
      checkRescale(ctx, 0, ctx.outputs[0]);
      checkRescale(ctx, 1, ctx.outputs[0]);
    }
    return [inferred];
  },
};
