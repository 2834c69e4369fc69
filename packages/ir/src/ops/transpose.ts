import { LIMITS } from '../limits.ts';
import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { attrInts, input } from './schema.ts';

/**
 * transpose: x (int8, uint8 or float32) -> y with y.shape[i] = x.shape[perm[i]], y[i0, i1, ...] =
 * x at the index whose axis perm[k] is i_k; dtype and quant params EQUAL to x's (no arithmetic).
 * attrs: perm, a permutation of 0..rank-1 that keeps axis 0 (the batch) in place. For attention's
 * heads: [B, T, H, d] -> [B, H, T, d] is perm [0, 2, 1, 3].
 */
export const transpose: OpSchema = {
  op: 'transpose',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'float32'] }],
  attrs: { perm: { kind: 'ints', minLength: 1, maxLength: LIMITS.maxRank, min: 0, max: LIMITS.maxRank - 1 } },
  infer(ctx) {
    const x = input(ctx, 0);
    const perm = attrInts(ctx, 'perm');
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
      ctx.fail('attrs.perm', `[${perm}] must be a permutation of 0..${x.shape.length - 1} (x ${formatShape(x.shape)})`);
    }
    if (perm[0] !== 0) ctx.fail('attrs.perm', `[${perm}] must keep axis 0 (the batch) first`);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype as 'int8' | 'uint8' | 'float32', quant: x.quant }];
  },
};
