import { QatjsError, describeValue } from '@qatjs/core';

/** Small validators for layer constructor options; errors name the layer and the option. */
export function positiveInt(v: unknown, where: string, name: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new QatjsError(`${where}: ${name} must be an integer >= 1, got ${describeValue(v)}`);
  return v as number;
}

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

export function checkSeed(v: unknown, where: string): number {
  if (v === undefined) return 1;
  if (!Number.isInteger(v)) throw new QatjsError(`${where}: seed must be an integer, got ${describeValue(v)}`);
  return v as number;
}

/** Throws unless x is a float32 tensor of the given rank with `channels` on its last axis. */
export function checkInput(x: { rank: number; shape: number[]; dtype: string } | undefined, where: string, rank: number, channels?: number): void {
  if (!x || typeof x !== 'object' || !Array.isArray(x.shape)) throw new QatjsError(`${where}: input must be a tf.Tensor, got ${describeValue(x)}`);
  if (x.rank !== rank) throw new QatjsError(`${where}: input must have rank ${rank} (${rank === 4 ? 'NHWC' : 'batch, features'}), got shape [${x.shape}]`);
  if (x.dtype !== 'float32') throw new QatjsError(`${where}: input must be float32, got ${x.dtype}`);
  if (channels !== undefined && x.shape[rank - 1] !== channels) {
    throw new QatjsError(`${where}: input has ${x.shape[rank - 1]} channels, the layer expects ${channels}`);
  }
}
