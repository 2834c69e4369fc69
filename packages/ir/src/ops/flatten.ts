import { elementCount } from '../shape.ts';
import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * flatten: x [N, d1, ..., dk] (rank >= 2, any activation dtype) -> y [N, d1 * ... * dk], bytes
 * unchanged, y's dtype and quant params EQUAL to x's. N may be the run-time batch (-1).
 */
export const flatten: OpSchema = {
  op: 'flatten',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'float32'] }],
  attrs: {},
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length < 2) ctx.fail('inputs[0]', `flatten needs rank >= 2, got rank ${x.shape.length}`);
    return [{ shape: [x.shape[0], elementCount(x.shape.slice(1))], dtype: x.dtype as 'int8' | 'uint8' | 'float32', quant: x.quant }];
  },
};
