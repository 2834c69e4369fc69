import * as tf from '@tensorflow/tfjs-core';
import { describeValue, isTensor } from '@qatjs/core';
import { LayerError } from '@qatjs/layers';

/** A positive finite number option (eps, a scale); the error names the layer and the option. */
export function positiveNumber(v: unknown, where: string, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new LayerError(`${where}: ${name} must be a finite number > 0, got ${describeValue(v)}`);
  return v;
}

/** Throws unless x is a float32 tensor of rank >= 2 with `dim` features on its last axis. */
export function checkFeatures(x: unknown, where: string, dim: number, rank?: number): asserts x is tf.Tensor {
  if (!isTensor(x)) throw new LayerError(`${where}: input must be a tf.Tensor, got ${describeValue(x)}`);
  if (x.dtype !== 'float32') throw new LayerError(`${where}: input must be float32, got ${x.dtype}`);
  if (rank !== undefined && x.rank !== rank) throw new LayerError(`${where}: input must have rank ${rank} (batch, ..., features), got shape [${x.shape}]`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== dim) throw new LayerError(`${where}: input has ${x.shape[x.rank - 1]} features on its last axis ([${x.shape}]), the layer expects ${dim}`);
}

/** Replaces a variable's value by normal(0, std) draws (GPT-2's initialization), seeded. */
export function initNormal(v: tf.Variable, std: number, seed: number): void {
  tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, std, 'float32', seed)));
}

/** Throws unless the sequence length fits the model's context. */
export function checkContext(length: number, context: number, where: string): void {
  if (length > context) throw new LayerError(`${where}: the sequence has ${length} positions, more than the context of ${context} the model was built with`);
}
