import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { INT32_MAX, INT_INPUT, INT_OUTPUT, checkAverageScales, expectRank, maxDeviation } from './common.ts';

/**
 * globalAvgPool: x [N, H, W, C] (int8/uint8, s_x, z_x) -> y [N, C] (tfjs GlobalAveragePooling2D;
 * int8/uint8, s_y, z_y).
 *
 *   acc[n, c] = sum over h < H, w < W of (x[n, h, w, c] - z_x)
 *   y[n, c] = requantize(acc, averageMultiplier(s_x, s_y, H * W), z_y, qmin, qmax)   (y's full grid)
 */
export const globalAvgPool: OpSchema = {
  op: 'globalAvgPool',
  inputs: INT_INPUT,
  outputs: INT_OUTPUT,
  attrs: {},
  infer(ctx) {
    expectRank(ctx, 0, 4, 'NHWC');
    const x = input(ctx, 0);
    const count = x.shape[1] * x.shape[2];
    if (count * maxDeviation(x) > INT32_MAX) ctx.fail('inputs[0]', `a sum over ${count} positions could overflow int32`);
    if (ctx.outputs) checkAverageScales(ctx, x, ctx.outputs[0], count);
    return [{ shape: [x.shape[0], x.shape[3]] }];
  },
};
