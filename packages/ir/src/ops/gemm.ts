import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { CLAMP, WEIGHTED_INPUTS, INT_OUTPUT, checkWeightedOp, expectRank } from './common.ts';

/**
 * gemm (dense over any rank): x [..., K] (rank >= 2; int8/uint8, s_x, z_x; the leading dims may be
 * run-time sizes, K is static), constant weights w [K, N] (tfjs dense layout; int8/int4/int2,
 * per-tensor or per-channel along axis 1, zero points z_w per-tensor or per column), optional int32
 * bias b [N] (scale fround(s_x * s_w[n]), zero point 0) -> y [..., N] (int8/uint8, s_y, z_y), the
 * same leading dims. attrs: clamp [lo, hi]. Each row r of the leading dims (row-major) is one product:
 *
 *   acc[r, n] = b[n] + sum over k < K of (x[r, k] - z_x) * (w[k, n] - z_w[n])
 *   y[r, n] = requantize(acc[r, n], requantMultiplier(s_x, s_w[n], s_y), z_y, lo, hi)
 */
export const gemm: OpSchema = {
  op: 'gemm',
  inputs: WEIGHTED_INPUTS,
  outputs: INT_OUTPUT,
  attrs: { clamp: CLAMP },
  infer(ctx) {
    expectRank(ctx, 1, 2, '[K, N]');
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    if (x.shape.length < 2) ctx.fail('inputs[0]', `'${x.name}' must be rank >= 2 [..., K], got shape ${formatShape(x.shape)}`);
    const k = x.shape[x.shape.length - 1];
    const [wk, n] = w.shape;
    if (wk !== k) ctx.fail('inputs[1]', `weights '${w.name}' have K = ${wk}; x '${x.name}' has K = ${k}`);
    checkWeightedOp(ctx, 1, n, k);
    return [{ shape: [...x.shape.slice(0, -1), n] }];
  },
};
