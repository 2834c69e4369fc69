import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { INT32_MAX, INT_INPUT, INT_OUTPUT, POOL_ATTRS, checkRescale, maxDeviation, poolWindow } from './common.ts';

/**
 * avgPool: x [N, H, W, C] (int8/uint8, s_x, z_x) -> y [N, Ho, Wo, C] (int8/uint8, s_y, z_y).
 * attrs: kernel [KH, KW], strides, pads [top, left, bottom, right] (each pad < its kernel side), clamp.
 * Padding is excluded from the average (tfjs 'same'; ONNX count_include_pad = 0):
 *
 *   sum = sum of (x - z_x) over the window's positions inside the image (int32); count = how many
 *   y = averageRequantize(sum, count, requantMultiplier(s_x, 1, s_y), z_y, lo, hi)
 *     = clamp(roundHalfEven(fround(fround(fround(sum) / count) * m)) + z_y, lo, hi)
 */
export const avgPool: OpSchema = {
  op: 'avgPool',
  inputs: INT_INPUT,
  outputs: INT_OUTPUT,
  attrs: POOL_ATTRS,
  infer(ctx) {
    const x = input(ctx, 0);
    const { kh, kw, ho, wo } = poolWindow(ctx);
    if (kh * kw * maxDeviation(x) > INT32_MAX) ctx.fail('attrs.kernel', `a ${kh}x${kw} window sum could overflow int32`);
    if (ctx.outputs) checkRescale(ctx, 0, ctx.outputs[0]);
    return [{ shape: [x.shape[0], ho, wo, x.shape[3]] }];
  },
};
