import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { INT_ACTIVATIONS, WEIGHT_DTYPES, q } from './common.ts';

/**
 * embedding (a table lookup): int32 token ids `tokens` [...] (rank >= 1, any dims may be run-time
 * sizes) and a constant table [V, D] (int8/int4/int2 codes q, per-tensor or per-row: scale and zero
 * point along axis 0, s_w[v], z_w[v]) -> y [..., D] (int8/uint8, s_y, z_y), row `tokens[i]` of the
 * table moved onto y's grid. Each element, in float32 (what the fake-quant model computes: the
 * gathered row dequantized, then fake-quantized by the output quantizer):
 *
 *   y[i, d] = clamp(roundHalfEven(fround(fround((q[t, d] - z_w[t]) * s_w[t]) / s_y)) + z_y, qmin, qmax),  t = tokens[i]
 *
 * (numerics.quantizeValue of numerics.dequantizeValue). A token id outside [0, V) is a run-time
 * error naming the id, its position and V.
 */
export const embedding: OpSchema = {
  op: 'embedding',
  inputs: [
    { name: 'tokens', kind: 'activation', dtypes: ['int32'] },
    { name: 'table', kind: 'constant', dtypes: WEIGHT_DTYPES },
  ],
  outputs: [{ name: 'y', dtypes: INT_ACTIVATIONS }],
  attrs: {},
  infer(ctx) {
    const tokens = input(ctx, 0);
    const table = input(ctx, 1);
    if (table.shape.length !== 2) ctx.fail('inputs[1]', `table '${table.name}' must be rank 2 [V, D], got shape ${formatShape(table.shape)}`);
    const axis = q(table).axis;
    if (axis !== undefined && axis !== 0) ctx.fail('inputs[1]', `per-channel table '${table.name}' must use axis 0 (one scale per row), got axis ${axis}`);
    if (tokens.shape.length < 1) ctx.fail('inputs[0]', `tokens '${tokens.name}' must be rank >= 1, got a scalar`);
    return [{ shape: [...tokens.shape, table.shape[1]] }];
  },
};
