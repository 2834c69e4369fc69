import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import '@qatjs/quantizer-pact';

let ready: Promise<void> | undefined;

/** tfjs on the wasm backend with qatjs's training kernels (once per process). */
export function setupBackend(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    await initBackend('wasm');
  })();
  return ready;
}
