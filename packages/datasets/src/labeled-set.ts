import { DatasetError, describeValue } from './errors.ts';
import { checkInt } from './validate.ts';

/**
 * A labelled data set as plain typed arrays: N samples in `x` (row-major, float32, shape
 * [N, ...sampleShape]) and N class ids in `y`. Feed `x` to `tf.tensor(x, shape)`.
 */
export interface LabeledSet {
  x: Float32Array;
  y: Int32Array;
  /** [N, ...sampleShape], e.g. [N, 28, 28, 1] for MNIST (NHWC) or [N, 64] for digits. */
  shape: number[];
  /** Class ids are 0..numClasses-1. */
  numClasses: number;
  /** The samples' original integer values (MNIST 0..255, digits 0..16), laid out like x. */
  raw?: Uint8Array;
}

/** The number of elements of one sample (the product of shape[1..]). */
export function sampleSize(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, d) => a * d, 1);
}

/** Checks that x, y, shape, raw and the labels agree; throws a DatasetError naming `who`. */
export function checkLabeledSet(data: LabeledSet, who: string): void {
  if (data === null || typeof data !== 'object') {
    throw new DatasetError(`${who}: expected a data set { x, y, shape, numClasses }, got ${describeValue(data)}`);
  }
  const { x, y, shape, numClasses, raw } = data;
  if (!(x instanceof Float32Array)) throw new DatasetError(`${who}: x must be a Float32Array, got ${describeValue(x)}`);
  if (!(y instanceof Int32Array)) throw new DatasetError(`${who}: y must be an Int32Array, got ${describeValue(y)}`);
  if (!Array.isArray(shape) || shape.length < 1) {
    throw new DatasetError(`${who}: shape must be an array [N, ...sampleShape], got ${describeValue(shape)}`);
  }
  shape.forEach((d, i) => checkInt(`${who}: shape[${i}]`, d, 0));
  checkInt(`${who}: numClasses`, numClasses, 1);
  const n = shape[0]!;
  const size = n * sampleSize(shape);
  if (x.length !== size) {
    throw new DatasetError(`${who}: x has ${x.length} elements but shape [${shape.join(', ')}] needs ${size}`);
  }
  if (y.length !== n) throw new DatasetError(`${who}: y has ${y.length} labels but shape[0] is ${n} samples`);
  if (raw !== undefined && (!(raw instanceof Uint8Array) || raw.length !== size)) {
    throw new DatasetError(`${who}: raw must be a Uint8Array of ${size} elements like x`);
  }
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (c < 0 || c >= numClasses) {
      throw new DatasetError(`${who}: label ${c} at sample ${i} is outside 0..${numClasses - 1}`);
    }
  }
}

/** The samples at `indices`, copied, in that order (indices are checked to be in range). */
export function subset(data: LabeledSet, indices: ArrayLike<number>): LabeledSet {
  checkLabeledSet(data, 'subset');
  const n = data.shape[0]!;
  const size = sampleSize(data.shape);
  const m = indices.length;
  const x = new Float32Array(m * size);
  const y = new Int32Array(m);
  const raw = data.raw ? new Uint8Array(m * size) : undefined;
  for (let k = 0; k < m; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new DatasetError(`subset: index ${describeValue(i)} at position ${k} is outside 0..${n - 1}`);
    }
    x.set(data.x.subarray(i * size, (i + 1) * size), k * size);
    raw?.set(data.raw!.subarray(i * size, (i + 1) * size), k * size);
    y[k] = data.y[i]!;
  }
  const out: LabeledSet = { x, y, shape: [m, ...data.shape.slice(1)], numClasses: data.numClasses };
  if (raw) out.raw = raw;
  return out;
}

/** How many labels of each class 0..numClasses-1 there are. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  checkInt('classCounts: numClasses', numClasses, 1);
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new DatasetError(`classCounts: label ${describeValue(c)} at ${i} is outside 0..${numClasses - 1}`);
    }
    counts[c]!++;
  }
  return counts;
}
