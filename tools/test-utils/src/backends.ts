import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'cpu' | 'wasm';

/** The backends every numerics test runs on. */
export const BACKENDS: readonly TestBackend[] = ['cpu', 'wasm'];

/**
 * Selects a backend for the tests that follow and silences tfjs's console hints (PROD only does
 * that). `kernelLeakChecks` turns on tfjs's per-kernel leak check (its IS_TEST flag) for tests of our
 * own kernels; leave it off for training: on wasm it flags tfjs's own customGrad ops (e.g.
 * softmaxCrossEntropy), whose saved-tensor clones allocate there.
 */
export async function useBackend(name: TestBackend, options: { kernelLeakChecks?: boolean } = {}): Promise<void> {
  tf.env().set('PROD', true);
  tf.env().set('IS_TEST', options.kernelLeakChecks ?? false);
  if (!(await tf.setBackend(name))) throw new Error(`could not start tfjs backend ${name}`);
  await tf.ready();
}

/** Runs fn and returns how many tensors it left allocated. */
export function tensorsLeaked(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

/** The runtime the test runs under (set by tools/test-runner). */
export function runtimeName(): string {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.QATJS_TEST_RUNTIME ?? 'unknown';
}

/** Runs fn (which may allocate freely: it runs in tidy) on one backend; returns every output's values. */
export async function valuesOn(backend: TestBackend, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend);
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = list.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  tf.dispose(list);
  return values;
}
