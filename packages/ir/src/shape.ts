// Shape arithmetic shared by the op schemas, the builder and the validator.
import { IntModelError } from './errors.ts';

/**
 * Dims of a value's shape: an integer >= 1 is static; a negative one is a size chosen at run time
 * (docs/numerics.md): -1 is the batch (dim 0 only), -2, -3, ... are other sizes (a sequence length)
 * at any dim. The same negative number is the same size throughout one model. Constants are static.
 */
export const BATCH_DIM = -1;
/** The most negative dim a shape may use (so a model names at most this many run-time sizes). */
export const MIN_DYNAMIC_DIM = -(2 ** 16);

export function isDynamicDim(d: number): boolean {
  return d < 0;
}

/** Product of the dims, with every run-time size (a negative dim) counted as 1. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d < 0 ? 1 : d;
  return n;
}

/** The run-time sizes a shape uses, sorted (a multiset: a symbol used twice appears twice). */
export function dynamicDims(shape: readonly number[]): number[] {
  return shape.filter((d) => d < 0).sort((a, b) => a - b);
}

/**
 * numpy broadcasting of two shapes, right-aligned: each pair of dims is equal, or one of them is 1
 * (then the other wins). A run-time size matches only the same size or 1. Returns the result's
 * shape, or a string saying which dims clash.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | string {
  for (const [name, s] of [['a', a], ['b', b]] as const) {
    if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d !== 0)) {
      throw new IntModelError(name, `must be a shape (a list of integer dims, none 0), got ${Array.isArray(s) ? `[${s.join(', ')}]` : typeof s}`);
    }
  }
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else return `dim ${da} of a and dim ${db} of b (right-aligned position ${i - rank}) neither match nor are 1`;
  }
  return out;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Output length of a sliding window (conv, pool) along one axis with explicit padding:
 * floor((size + padBefore + padAfter - (dilation * (kernel - 1) + 1)) / stride) + 1.
 * Window o covers input positions o * stride - padBefore + k * dilation, k = 0..kernel-1.
 * May be <= 0 when the window does not fit; callers reject that.
 */
export function windowOutputSize(size: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - (dilation * (kernel - 1) + 1)) / stride) + 1;
}

/**
 * tfjs's (and TensorFlow's) 'same' padding for one axis as [before, after]: the output has
 * ceil(size / stride) positions and the odd pixel goes after (bottom / right).
 */
export function samePadding(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const args = { size, kernel, stride, dilation };
  for (const [k, v] of Object.entries(args)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new IntModelError(k, `must be a positive integer, got ${String(v)}`);
  }
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - size);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** How a window axis is padded: TF's 'same' or 'valid', or explicit padding on both sides. */
export type PaddingMode = 'same' | 'valid' | number;

/**
 * THE padding [before, after] of one window axis (docs/numerics.md): 'valid' is [0, 0]; a number n
 * is [n, n]; 'same' is TF/tfjs's: ceil(inputSize / stride) outputs, total = max(0, (out - 1) * stride
 * + dilation * (kernel - 1) + 1 - inputSize), the odd pixel after (bottom / right).
 */
export function windowPads(mode: PaddingMode, inputSize: number, kernel: number, stride: number, dilation: number): [number, number] {
  const args = { inputSize, kernel, stride, dilation };
  for (const [k, v] of Object.entries(args)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new IntModelError(k, `must be a positive integer, got ${String(v)}`);
  }
  if (mode === 'valid') return [0, 0];
  if (mode === 'same') return samePadding(inputSize, kernel, stride, dilation);
  if (typeof mode === 'number' && Number.isSafeInteger(mode) && mode >= 0) return [mode, mode];
  throw new IntModelError('mode', `must be 'same', 'valid' or a padding >= 0, got ${typeof mode === 'string' ? JSON.stringify(mode) : String(mode)}`);
}
