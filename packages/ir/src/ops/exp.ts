import { floatUnary } from './float-unary.ts';

/**
 * exp: x float32 -> y float32, same shape. y = fround(Math.exp(x)) (float-numerics.expFloat): +Infinity
 * above about 88.72, 0 far below 0. A runtime kernel is within 4 ulp or 1e-7 absolute of it, whichever
 * is larger (and gives +Infinity exactly where the reference does, up to that tolerance).
 */
export const exp = floatUnary('exp');
