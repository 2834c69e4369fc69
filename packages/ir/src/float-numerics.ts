// The float32 ops that run between a dequantize and a quantize (docs/numerics.md). Each reference
// is the float64 function of the float32 input(s), rounded ONCE to float32. add and mul are exact
// that way (IEEE float32 add / mul round once too), so a runtime matches them bit for bit; sigmoid,
// tanh and exp have no exact SIMD instruction, so a runtime kernel may differ from the reference by
// FLOAT_KERNEL_TOLERANCE.

import { IntModelError } from './errors.ts';

const f32 = Math.fround;

/** float32 add: fround(a + b). */
export function addFloat(a: number, b: number): number {
  return f32(f32(a) + f32(b));
}

/** float32 mul: fround(a * b). */
export function mulFloat(a: number, b: number): number {
  return f32(f32(a) * f32(b));
}

/** sigmoid: fround(1 / (1 + exp(-x))) in float64. -Infinity gives 0, +Infinity 1, NaN NaN. */
export function sigmoidFloat(x: number): number {
  return f32(1 / (1 + Math.exp(-f32(x))));
}

/** tanh: fround(Math.tanh(x)). */
export function tanhFloat(x: number): number {
  return f32(Math.tanh(f32(x)));
}

/** exp: fround(Math.exp(x)); above about 88.72 it is +Infinity in float32, far below 0 it is 0. */
export function expFloat(x: number): number {
  return f32(Math.exp(f32(x)));
}

/**
 * How far a runtime's float kernel (sigmoid, tanh, exp) may be from the reference: within `ulp`
 * float32 units in the last place, or within `absolute`, whichever is larger. add and mul are exact.
 */
export const FLOAT_KERNEL_TOLERANCE = Object.freeze({ ulp: 4, absolute: 1e-7 });

const view = new DataView(new ArrayBuffer(4));

/** A float32's bits as an integer that orders like the float (-0 and +0 both 0). */
function orderedBits(x: number): number {
  view.setFloat32(0, x);
  const i = view.getInt32(0);
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** float32 units in the last place between two float32 values (Infinity for NaN against a number). */
export function ulpDistance(a: number, b: number): number {
  if (typeof a !== 'number' || typeof b !== 'number') throw new IntModelError(typeof a !== 'number' ? 'a' : 'b', 'must be a number');
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(orderedBits(a) - orderedBits(b));
}

/**
 * True when a runtime's result `actual` meets FLOAT_KERNEL_TOLERANCE against the reference
 * `expected`: ulpDistance <= 4 or |actual - expected| <= 1e-7 (NaN only matches NaN, infinities themselves).
 */
export function withinFloatTolerance(actual: number, expected: number): boolean {
  if (typeof actual !== 'number' || typeof expected !== 'number') throw new IntModelError(typeof actual !== 'number' ? 'actual' : 'expected', 'must be a number');
  if (Object.is(actual, expected)) return true;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return ulpDistance(actual, expected) <= FLOAT_KERNEL_TOLERANCE.ulp;
  return Math.abs(actual - expected) <= FLOAT_KERNEL_TOLERANCE.absolute || ulpDistance(actual, expected) <= FLOAT_KERNEL_TOLERANCE.ulp;
}

/** GELU, tanh form (GPT-2's): fround(0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))) in float64. */
export function geluFloat(x: number): number {
  const v = f32(x);
  return f32(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
}

/**
 * How far a runtime's reduction kernels (layerNorm, softmax: float32 sums in another order) may be from
 * their float64 references: |y - ref| <= relative * (1 + |ref|).
 */
export const FLOAT_REDUCTION_TOLERANCE = Object.freeze({ relative: 1e-5 });
