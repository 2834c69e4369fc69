import { floatUnary } from './float-unary.ts';

/**
 * gelu (tanh form, GPT-2's): x float32 -> y float32, same shape.
 * y = fround(0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))) in float64 (float-numerics.geluFloat).
 * A runtime kernel is within FLOAT_KERNEL_TOLERANCE of it (4 ulp or 1e-7 absolute, whichever is larger).
 */
export const gelu = floatUnary('gelu');
