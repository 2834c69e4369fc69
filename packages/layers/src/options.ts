import { describeValue } from '@qatjs/core';
import { LayerError } from './errors.ts';

/** Small validators for layer constructor options and inputs; errors name the layer and the option. */
export function positiveInt(v: unknown, where: string, name: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new LayerError(`${where}: ${name} must be an integer >= 1, got ${describeValue(v)}`);
  return v as number;
}

/** A non-negative integer option (an axis, a count that may be 0). */
export function nonNegativeInt(v: unknown, where: string, name: string): number {
  if (!Number.isInteger(v) || (v as number) < 0) throw new LayerError(`${where}: ${name} must be an integer >= 0, got ${describeValue(v)}`);
  return v as number;
}

export function checkSeed(v: unknown, where: string): number {
  if (v === undefined) return 1;
  if (!Number.isInteger(v)) throw new LayerError(`${where}: seed must be an integer, got ${describeValue(v)}`);
  return v as number;
}

export interface InputExpectation {
  /** The exact rank. */
  readonly rank: number;
  /** The size of the last axis (channels, features). */
  readonly channels?: number;
  /** What the axes mean, for the message ('NHWC', 'batch, features'). */
  readonly layout?: string;
}

/** Throws unless x is a float32 tensor of the expected rank with `channels` on its last axis. */
export function checkInput(x: { rank: number; shape: number[]; dtype: string } | undefined, where: string, e: InputExpectation): void {
  if (!x || typeof x !== 'object' || !Array.isArray(x.shape)) throw new LayerError(`${where}: input must be a tf.Tensor, got ${describeValue(x)}`);
  if (x.rank !== e.rank) throw new LayerError(`${where}: input must have rank ${e.rank}${e.layout ? ` (${e.layout})` : ''}, got shape [${x.shape}]`);
  if (x.dtype !== 'float32') throw new LayerError(`${where}: input must be float32, got ${x.dtype}`);
  if (e.channels !== undefined && x.shape[e.rank - 1] !== e.channels) {
    throw new LayerError(`${where}: input has ${x.shape[e.rank - 1]} channels, the layer expects ${e.channels}`);
  }
}
