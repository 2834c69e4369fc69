import type * as tf from '@tensorflow/tfjs-core';
import type { QuantSpec } from '../spec/quant-spec.ts';

/** An observed range: per-channel arrays (length 1 per-tensor). */
export interface ObservedRange {
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/** What an observer is made for: the grid it serves (MSE search needs it) and the point it watches. */
export interface ObserverContext {
  /** spec.axis set means per-channel statistics along that axis. */
  readonly spec: QuantSpec;
  /** Names the quantization point in errors, e.g. "features.0.conv/weight". */
  readonly label: string;
}

/** JSON-safe observer state for checkpoints. */
export interface ObserverState {
  readonly observer: string;
  readonly count: number;
  readonly min: number[];
  readonly max: number[];
}

/**
 * Collects statistics of the tensors it sees and turns them into a range. Observers read tensor data
 * on the host (dataSync) and keep float64 statistics; they never hold tfjs tensors.
 */
export interface Observer {
  readonly name: string;
  /** Tensors observed since the last reset. */
  readonly count: number;
  /** Updates the statistics; throws a NonFiniteError naming the point if x holds NaN or Infinity. */
  observe(x: tf.Tensor): void;
  /** The current range; throws if nothing was observed yet. */
  range(): ObservedRange;
  reset(): void;
  state(): ObserverState;
  load(state: ObserverState): void;
}

export interface ObserverPlugin<O = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates raw options (everything but `name`); throws a QuantizerOptionError naming the option. */
  validate(raw: Readonly<Record<string, unknown>>): O;
  create(options: O, ctx: ObserverContext): Observer;
}
