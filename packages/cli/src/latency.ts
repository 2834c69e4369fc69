import * as tf from '@tensorflow/tfjs-core';
import { foldForInference } from '@qatjs/adapter-cnn';
import type { Module } from '@qatjs/core';
import type { IntSession } from '@qatjs/backend-wasm';

/** The median of `runs` timed calls after one warm-up call, in milliseconds. */
export function medianMs(fn: () => unknown, runs: number): number {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[runs >> 1]!;
}

export interface Latency {
  readonly batch: number;
  /** The deployable FP32 model (foldForInference) on tfjs-backend-wasm. */
  readonly fp32Ms?: number;
  /** The integer model on our WASM SIMD runtime. */
  readonly int8Ms: number;
}

/** Latency of one batch: the int session, and the folded float model when given one (in eval mode). */
export function latency(session: IntSession, x: Float32Array, shape: readonly number[], runs: number, floatModel?: Module): Latency {
  const input = session.inputs[0]!.name;
  const int8Ms = medianMs(() => session.run({ [input]: x }), runs);
  if (!floatModel) return { batch: shape[0]!, int8Ms };
  floatModel.eval();
  const folded = foldForInference(floatModel);
  try {
    const fp32Ms = medianMs(() => tf.tidy(() => folded.forward(tf.tensor(x, [...shape])).dataSync()), runs);
    return { batch: shape[0]!, fp32Ms, int8Ms };
  } finally {
    folded.dispose();
  }
}
