import { floatUnary } from './float-unary.ts';

/**
 * tanh: x float32 -> y float32, same shape. y = fround(Math.tanh(x)) (float-numerics.tanhFloat).
 * A runtime kernel is within 4 ulp or 1e-7 absolute of it, whichever is larger.
 */
export const tanh = floatUnary('tanh');
