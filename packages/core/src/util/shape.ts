import { QatjsError, describeValue } from './errors.ts';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Normalizes a possibly negative axis for a tensor of the given rank; throws naming `what`. */
export function normalizeAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new QatjsError(`${what}: axis ${describeValue(axis)} is not valid for a tensor of rank ${rank} (use -${rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Splits a shape around `axis` into [outer, channels, inner] sizes for per-channel loops. */
export function splitAroundAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}
