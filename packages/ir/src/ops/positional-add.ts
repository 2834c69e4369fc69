import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * positionalAdd (a learned positional embedding): x [B, T, D] (int8/uint8, s_x, z_x; T may be a
 * run-time size, at most N), constant table P [N, D] (int8/int4, per-tensor or per-row scales s_p[t]
 * and zero points z_p[t] along axis 0) -> y [B, T, D] (int8/uint8, or int16 for a 16-bit residual stream; s_y, z_y). Position t adds row t:
 *   v = fround(fround((x - z_x) * s_x) + fround((P[t, d] - z_p[t]) * s_p[t]))
 *   y = clamp(roundHalfEven(fround(v / s_y)) + z_y, qmin, qmax)
 * in float32, which is what the fake-quant model computes (fq_y(x + fq_P(P)[t])), so it is exact.
 * Run time: T > N is an error naming both.
 */
export const positionalAdd: OpSchema = {
  op: 'positionalAdd',
  inputs: [
    { name: 'x', kind: 'activation', dtypes: ['int8', 'uint8'] },
    { name: 'table', kind: 'constant', dtypes: ['int8', 'int4'] },
  ],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'int16'] }],
  attrs: {},
  infer(ctx) {
    const x = input(ctx, 0);
    const p = input(ctx, 1);
    if (x.shape.length !== 3) ctx.fail('inputs[0]', `x must be [B, T, D], got ${formatShape(x.shape)}`);
    if (p.shape.length !== 2 || p.shape[1] !== x.shape[2]) ctx.fail('inputs[1]', `table '${p.name}' must be [N, ${x.shape[2]}], got ${formatShape(p.shape)}`);
    if (x.shape[1] > 0 && x.shape[1] > p.shape[0]) ctx.fail('inputs[0]', `x has ${x.shape[1]} positions, the table ${p.shape[0]}`);
    if (!x.quant || x.quant.scale.length !== 1) ctx.fail('inputs[0]', 'x needs per-tensor quant params');
    const n = p.quant?.scale.length ?? 0;
    if (!p.quant || (n !== 1 && n !== p.shape[0]) || (n > 1 && p.quant.axis !== 0)) ctx.fail('inputs[1]', `table '${p.name}' needs per-tensor or per-row (axis 0) quant params`);
    return [{ shape: x.shape }];
  },
};
