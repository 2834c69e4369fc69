import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'cpu' | 'wasm';

/** The backends every numerics test runs on. */
export const BACKENDS: readonly TestBackend[] = ['cpu', 'wasm'];

/** Selects a backend for the tests that follow and silences tfjs's console hints. */
export async function useBackend(name: TestBackend): Promise<void> {
  tf.env().set('IS_TEST', true);
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
