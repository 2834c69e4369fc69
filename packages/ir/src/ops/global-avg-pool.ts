import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { CLAMP, INT32_MAX, INT_INPUT, INT_OUTPUT, checkRescale, expectRank, expectStaticDims, maxDeviation } from './common.ts';

/**
 * globalAvgPool: x [N, H, W, C] (int8/uint8, s_x, z_x) -> y [N, C] (tfjs GlobalAveragePooling2D;
 * int8/uint8, s_y, z_y). attrs: clamp.
 *
 *   sum[n, c] = sum over h < H, w < W of (x[n, h, w, c] - z_x)
 *   y[n, c] = averageRequantize(sum, H * W, requantMultiplier(s_x, 1, s_y), z_y, lo, hi)
 */
export const globalAvgPool: OpSchema = {
  op: 'globalAvgPool',
  inputs: INT_INPUT,
  outputs: INT_OUTPUT,
  attrs: { clamp: CLAMP },
  infer(ctx) {
    expectRank(ctx, 0, 4, 'NHWC');
    expectStaticDims(ctx, 0, [1, 2, 3], 'H, W and C');
    const x = input(ctx, 0);
    const count = x.shape[1] * x.shape[2];
    if (count * maxDeviation(x) > INT32_MAX) ctx.fail('inputs[0]', `a sum over ${count} positions could overflow int32`);
    if (ctx.outputs) checkRescale(ctx, 0, ctx.outputs[0]);
    return [{ shape: [x.shape[0], x.shape[3]] }];
  },
};
