import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, describeValue } from '../util/errors.ts';

export type BackendName = 'wasm' | 'cpu';

/**
 * Loads and selects a tfjs backend: 'wasm' (XNNPACK, SIMD; the default) or 'cpu' (plain JS, every
 * kernel). Works the same on Node, Deno and Bun.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else throw new QatjsError(`initBackend: unknown backend ${describeValue(name)} (use 'wasm' or 'cpu')`);
  if (!(await tf.setBackend(name))) throw new QatjsError(`initBackend: tfjs could not start the ${name} backend`);
  await tf.ready();
}
