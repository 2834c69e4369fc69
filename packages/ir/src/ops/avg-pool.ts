import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { INT32_MAX, INT_INPUT, INT_OUTPUT, POOL_ATTRS, checkAverageScales, maxDeviation, poolWindow } from './common.ts';

/**
 * avgPool: x [N, H, W, C] (int8/uint8, s_x, z_x) -> y [N, Ho, Wo, C] (int8/uint8, s_y, z_y).
 * attrs: kernel [KH, KW], strides, pads [top, left, bottom, right] (each pad < its kernel side).
 * Padding is excluded from the average (tfjs 'same'; ONNX count_include_pad = 0):
 *
 *   acc = sum of (x - z_x) over the window's positions inside the image; count = how many there are
 *   y = requantize(acc, averageMultiplier(s_x, s_y, count), z_y, qmin, qmax)     (y's full grid)
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
    if (ctx.outputs) checkAverageScales(ctx, x, ctx.outputs[0], kh * kw);
    return [{ shape: [x.shape[0], ho, wo, x.shape[3]] }];
  },
};
