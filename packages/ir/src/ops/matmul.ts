import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { attrBool, input } from './schema.ts';
import { CLAMP, TWO_INT_INPUTS, INT_OUTPUT, checkAccumulator, checkRequantScales } from './common.ts';

/**
 * matmul (activation x activation, for attention): a [..., M, K] and b [..., K, N] (or b [..., N, K]
 * with transposeB), both int8/uint8 values with their own per-tensor scale and zero point, the same
 * rank 2..4 and equal leading (batch) dims -> y [..., M, N] (int8/uint8). attrs: transposeB, clamp.
 * Leading dims, M and N may be run-time sizes (equal sizes match: the same negative number); K is
 * static, so the int32 accumulator bound is known.
 *
 *   acc = sum over k < K of (a[..., m, k] - z_a) * (B[..., k, n] - z_b)   (B = b, or b transposed)
 *   y[..., m, n] = requantize(acc, requantMultiplier(s_a, s_b, s_y), z_y, lo, hi)
 */
export const matmul: OpSchema = {
  op: 'matmul',
  inputs: TWO_INT_INPUTS,
  outputs: INT_OUTPUT,
  attrs: { transposeB: { kind: 'bool', default: false }, clamp: CLAMP },
  infer(ctx) {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    const r = a.shape.length;
    if (r < 2 || r > 4 || b.shape.length !== r) {
      ctx.fail('inputs', `a ${formatShape(a.shape)} and b ${formatShape(b.shape)} must have the same rank, 2 to 4`);
    }
    const lead = a.shape.slice(0, r - 2);
    if (lead.some((d, i) => d !== b.shape[i])) {
      ctx.fail('inputs', `leading dims of a ${formatShape(a.shape)} and b ${formatShape(b.shape)} differ (no broadcasting)`);
    }
    const [m, k] = a.shape.slice(r - 2);
    const t = attrBool(ctx, 'transposeB');
    const [bk, n] = t ? [b.shape[r - 1], b.shape[r - 2]] : [b.shape[r - 2], b.shape[r - 1]];
    if (bk !== k) ctx.fail('inputs', `inner dims do not match: a ${formatShape(a.shape)}, b ${formatShape(b.shape)}, transposeB ${t}`);
    // the accumulator bound needs the depth; M, N and the leading dims may vary at run time
    if (k < 0) ctx.fail('inputs', `the inner dim K of a ${formatShape(a.shape)} must be static, got run-time size ${k}`);
    checkAccumulator(ctx, k, a, b);
    if (ctx.outputs) checkRequantScales(ctx, a, b, ctx.outputs[0]);
    return [{ shape: [...lead, m, n] }];
  },
};
