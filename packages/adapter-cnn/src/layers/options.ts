import { QatjsError, describeValue } from '@qatjs/core';
import { positiveInt } from '@qatjs/layers';

// Validators for the options of 2-D layers (the shared ones are @qatjs/layers'); errors name the layer and the option.

/** A size given as n or [h, w]. */
export function pair(v: unknown, where: string, name: string, fallback?: number): [number, number] {
  if (v === undefined && fallback !== undefined) return [fallback, fallback];
  if (Array.isArray(v) && v.length === 2) return [positiveInt(v[0], where, `${name}[0]`), positiveInt(v[1], where, `${name}[1]`)];
  const n = positiveInt(v, where, name);
  return [n, n];
}

export type Padding = 'same' | 'valid' | number;

export function checkPadding(v: unknown, where: string): Padding {
  if (v === undefined) return 'same';
  if (v === 'same' || v === 'valid') return v;
  if (Number.isInteger(v) && (v as number) >= 0) return v as number;
  throw new QatjsError(`${where}: padding must be 'same', 'valid' or a non-negative integer, got ${describeValue(v)}`);
}

/** tfjs's padding argument for a 4-D NHWC op. */
export function tfPadding(p: Padding): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p;
}
