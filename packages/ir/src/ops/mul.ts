import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { checkRequantScales } from './common.ts';
import { ANY_OUTPUT, BINARY_INPUTS, OPTIONAL_CLAMP, binaryElementwise } from './elementwise.ts';

/**
 * mul (gates, scaling): a and b broadcast as add does -> y of the broadcast shape. Two forms:
 *
 * - quantized: a, b int8/uint8, each with its own scale and zero point -> y int8/uint8 (s_y, z_y);
 *   attr clamp [lo, hi] required. The product of the deviations (at most 255 * 255, exact) is
 *   requantized with one multiplier (numerics.mulQuantized):
 *     y = requantize((a - z_a) * (b - z_b), requantMultiplier(s_a, s_b, s_y), z_y, lo, hi)
 * - float: a, b, y all float32, no clamp: y = fround(a * b) (float-numerics.mulFloat), exact.
 */
export const mul: OpSchema = {
  op: 'mul',
  inputs: BINARY_INPUTS,
  outputs: ANY_OUTPUT,
  attrs: { clamp: OPTIONAL_CLAMP },
  infer(ctx) {
    const { float, inferred } = binaryElementwise(ctx, 'mul');
    if (!float && ctx.outputs) checkRequantScales(ctx, input(ctx, 0), input(ctx, 1), ctx.outputs[0]);
    return [inferred];
  },
};
