import * as tf from '@tensorflow/tfjs-core';
import { installDilatedConvGradients, installWasmTrainingKernels } from '@qatjs/tfjs-wasm-training';
import { QatjsError, describeValue } from '../util/errors.ts';

export type BackendName = 'wasm' | 'cpu';

/**
 * Loads and selects a tfjs backend: 'wasm' (XNNPACK, SIMD; the default) or 'cpu' (plain JS, every
 * kernel). Works the same on Node, Deno and Bun. 'wasm' also installs the training kernels
 * tfjs-backend-wasm lacks or gets wrong (@qatjs/tfjs-wasm-training); both let conv gradients take
 * dilation > 1. Importing a qatjs package changes no backend: this call does.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    installWasmTrainingKernels();
    installDilatedConvGradients();
  } else if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    installDilatedConvGradients();
  } else throw new QatjsError(`initBackend: unknown backend ${describeValue(name)} (use 'wasm' or 'cpu')`);
  if (!(await tf.setBackend(name))) throw new QatjsError(`initBackend: tfjs could not start the ${name} backend`);
  await tf.ready();
}
