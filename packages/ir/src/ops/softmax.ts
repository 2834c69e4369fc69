import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * softmax (float32, between a dequantize and a quantize) over the last axis, for attention:
 * x [..., T, S] float32 -> y float32, same shape. attrs: scale (a factor applied first, e.g.
 * 1/sqrt(d_head)), causal (row i of the last two axes sees columns j <= i + S - T only; the others
 * are 0 in y). Per row, over the visible columns:
 *   z = scale * x;  y = exp(z - max z) / sum exp(z - max z)
 * The reference computes it in float64 from the float32 inputs and rounds once to float32; a runtime
 * kernel is within FLOAT_REDUCTION_TOLERANCE of it (float-numerics.ts: |y - ref| <= 1e-5 (1 + |ref|)).
 */
export const softmax: OpSchema = {
  op: 'softmax',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
  outputs: [{ name: 'y', dtypes: ['float32'] }],
  attrs: { scale: { kind: 'float', min: 1e-12, max: 1e12, default: 1 }, causal: { kind: 'bool', default: false } },
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length < 2) ctx.fail('inputs[0]', `x must have rank >= 2 [..., T, S], got ${formatShape(x.shape)}`);
    return [{ shape: x.shape, dtype: 'float32' }];
  },
};
