import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';

/**
 * quantize: float32 x -> int8/uint8/int16 y, same shape, with y's (per-tensor) scale s and zero point zp.
 *
 *   y[i] = clamp(roundHalfEven(fround(x[i] / s)) + zp, qmin, qmax)      (numerics.quantizeValue)
 *
 * [qmin, qmax] is the grid of y's `bits`. x / s is a float32 division (not a multiply by 1/s).
 * NaN gives qmin; +-Infinity give qmax / qmin.
 */
export const quantize: OpSchema = {
  op: 'quantize',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
  outputs: [{ name: 'y', dtypes: ['int8', 'uint8', 'int16'] }],
  attrs: {},
  infer: (ctx) => [{ shape: input(ctx, 0).shape }],
};
