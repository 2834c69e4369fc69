import type { ActivationDType } from '../types.ts';
import { elementCount, formatShape } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * flatten: x [N, d1, ..., dk] (rank >= 2, any activation dtype) -> y [N, d1 * ... * dk], bytes
 * unchanged, y's dtype and quant params EQUAL to x's. N may be a run-time size (-1, the batch, or
 * -2, ...); d1..dk are static (a product of run-time sizes has no name: use reshape).
 */
export const flatten: OpSchema = {
  op: 'flatten',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'float32'] }],
  attrs: {},
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length < 2) ctx.fail('inputs[0]', `flatten needs rank >= 2, got rank ${x.shape.length}`);
    const rest = x.shape.slice(1);
    if (rest.some((d) => d < 0)) ctx.fail('inputs[0]', `flatten needs static dims after dim 0, got ${formatShape(x.shape)} (keep run-time sizes with reshape)`);
    return [{ shape: [x.shape[0], elementCount(rest)], dtype: x.dtype as ActivationDType, quant: x.quant }];
  },
};
