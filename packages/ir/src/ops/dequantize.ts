import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * dequantize: int8/uint8/int16 x (scale s, zero point zp) -> float32 y, same shape.
 *
 *   y[i] = fround((x[i] - zp) * s)      (numerics.dequantizeValue)
 */
export const dequantize: OpSchema = {
  op: 'dequantize',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'int16'] }],
  outputs: [{ name: 'y', dtypes: ['float32'] }],
  attrs: {},
  infer: (ctx) => [{ shape: input(ctx, 0).shape }],
};
