import { formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * layerNorm (float32, between a dequantize and a quantize): x [..., D] float32, constants gamma [D]
 * and beta [D] float32 -> y [..., D] float32. attrs: eps (> 0). Over the last axis of each row:
 *   mean = sum(x) / D;  var = sum((x - mean)^2) / D   (biased)
 *   y = (x - mean) / sqrt(var + eps) * gamma + beta
 * The reference computes it in float64 from the float32 inputs and rounds y once to float32; a
 * runtime kernel (float32 sums) is within FLOAT_REDUCTION_TOLERANCE of it (float-numerics.ts: |y - ref| <= 1e-5 (1 + |ref|)).
 */
export const layerNorm: OpSchema = {
  op: 'layerNorm',
  inputs: [
    { name: 'x', kind: 'activation', dtypes: ['float32'] },
    { name: 'gamma', kind: 'constant', dtypes: ['float32'] },
    { name: 'beta', kind: 'constant', dtypes: ['float32'] },
  ],
  outputs: [{ name: 'y', dtypes: ['float32'] }],
  attrs: { eps: { kind: 'float', min: 1e-12, max: 1 } },
  infer(ctx) {
    const x = input(ctx, 0);
    const d = x.shape[x.shape.length - 1];
    if (x.shape.length < 1 || !(d > 0)) ctx.fail('inputs[0]', `x ${formatShape(x.shape)} needs a static last axis (the features)`);
    for (const i of [1, 2]) {
      const t = input(ctx, i);
      if (t.shape.length !== 1 || t.shape[0] !== d) ctx.fail(`inputs[${i}]`, `'${t.name}' must have shape [${d}] (the features of x ${formatShape(x.shape)}), got ${formatShape(t.shape)}`);
    }
    return [{ shape: x.shape, dtype: 'float32' }];
  },
};
