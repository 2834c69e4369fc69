import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * A float32 elementwise op x -> y of the same shape and dtype float32, no attributes (sigmoid, tanh,
 * exp). Its reference is the float64 function of x rounded once to float32 (float-numerics.ts); a
 * runtime kernel must be within 4 ulp or 1e-7 absolute of it, whichever is larger
 * (FLOAT_KERNEL_TOLERANCE, docs/numerics.md).
 */
export function floatUnary(op: string): OpSchema {
  return {
    op,
    inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
    outputs: [{ name: 'y', dtypes: ['float32'] }],
    attrs: {},
    infer: (ctx) => [{ shape: input(ctx, 0).shape, dtype: 'float32' }],
  };
}
