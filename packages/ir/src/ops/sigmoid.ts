import { floatUnary } from './float-unary.ts';

/**
 * sigmoid: x float32 -> y float32, same shape. y = fround(1 / (1 + exp(-x))) with exp and the
 * division in float64 (float-numerics.sigmoidFloat). A runtime kernel is within 4 ulp or 1e-7
 * absolute of it, whichever is larger.
 */
export const sigmoid = floatUnary('sigmoid');
