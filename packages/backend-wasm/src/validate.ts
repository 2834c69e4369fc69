// Argument checks shared by every op: each failure names the op, the argument and the value.
import { BackendWasmError, valueText } from './errors.ts';
import type { DType, TensorOwner, WasmTensor } from './tensor.ts';

export function fail(op: string, message: string): never {
  throw new BackendWasmError(`${op}: ${message}`);
}

export function checkInt(op: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(op, `${name} must be an integer in [${lo}, ${hi}], got ${valueText(v)}`);
  return v;
}

export function checkPositiveFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(op, `${name} must be a finite number > 0, got ${valueText(v)}`);
  return v;
}

/** A live tensor of this kernels instance with the given dtype (and rank, if given). */
export function checkTensor<D extends DType>(op: string, name: string, t: unknown, owner: TensorOwner, dtype: D, rank?: number): WasmTensor<D> {
  const x = t as WasmTensor<D>;
  if (x === null || typeof x !== 'object' || typeof x.ownedBy !== 'function') fail(op, `${name} must be a WasmTensor`);
  if (!x.ownedBy(owner)) fail(op, `${name} belongs to another kernels instance`);
  if (x.disposed) fail(op, `${name} was disposed`);
  if (x.dtype !== dtype) fail(op, `${name} must be ${dtype}, got ${x.dtype}`);
  if (rank !== undefined && x.shape.length !== rank) fail(op, `${name} must have rank ${rank}, got shape [${x.shape.join(', ')}]`);
  return x;
}

/** Outputs may not share memory with inputs unless the kernel allows it (elementwise ops). */
export function checkDistinct(op: string, out: WasmTensor, ...inputs: WasmTensor[]): void {
  for (const x of inputs) if (x === out) fail(op, 'the output must not be one of the inputs');
}

export function checkShapeEquals(op: string, name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    fail(op, `${name} must have shape [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}

/** A number or an array of `n` numbers, as a Float64Array of length n. */
export function perChannel(op: string, name: string, v: unknown, n: number): Float64Array {
  if (typeof v === 'number') return new Float64Array(n).fill(v);
  const a = v as ArrayLike<number>;
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number') fail(op, `${name} must be a number or an array of ${n} numbers`);
  if (a.length !== n) fail(op, `${name} has ${a.length} values for ${n} channels`);
  return Float64Array.from(a);
}
