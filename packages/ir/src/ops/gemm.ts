import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { CLAMP, WEIGHTED_INPUTS, INT_OUTPUT, checkWeightedOp, expectRank } from './common.ts';

/**
 * gemm (dense): x [M, K] (int8/uint8, s_x, z_x), constant weights w [K, N] (tfjs dense layout;
 * int8/int4/int2, symmetric, per-tensor or per-channel along axis 1), optional int32 bias b [N]
 * (scale fround(s_x * s_w[n]), zero point 0) -> y [M, N] (int8/uint8, s_y, z_y). attrs: clamp [lo, hi].
 *
 *   acc[m, n] = b[n] + sum over k < K of (x[m, k] - z_x) * w[k, n]
 *   y[m, n] = requantize(acc[m, n], requantMultiplier(s_x, s_w[n], s_y), z_y, lo, hi)
 */
export const gemm: OpSchema = {
  op: 'gemm',
  inputs: WEIGHTED_INPUTS,
  outputs: INT_OUTPUT,
  attrs: { clamp: CLAMP },
  infer(ctx) {
    expectRank(ctx, 0, 2, '[M, K]');
    expectRank(ctx, 1, 2, '[K, N]');
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const [m, k] = x.shape;
    const [wk, n] = w.shape;
    if (wk !== k) ctx.fail('inputs[1]', `weights '${w.name}' have K = ${wk}; x '${x.name}' has K = ${k}`);
    checkWeightedOp(ctx, 1, n, k);
    return [{ shape: [m, n] }];
  },
};
