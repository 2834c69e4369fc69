import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
// core registers tfjs's gradients on import (a registry of its own, shared by every backend);
// test-utils imports tfjs-backend-wasm and tfjs-backend-cpu. Neither is under test here.
import { initBackend } from '@qatjs/core';
import { useBackend } from '@qatjs/test-utils';
import { WASM_TRAINING_KERNELS, wasmTrainingKernelsInstalled } from '@qatjs/tfjs-wasm-training';

/** Every wasm kernel we own and the conv gradients we wrap, as registered now. */
function registry(): unknown[] {
  return [
    ...Object.keys(WASM_TRAINING_KERNELS).map((name) => tf.getKernel(name, 'wasm')?.kernelFunc),
    tf.getGradient('Conv2D')?.gradFunc,
    tf.getGradient('DepthwiseConv2dNative')?.gradFunc,
  ];
}

describe('backend set-up belongs to initBackend, not to imports', () => {
  // Under vitest each test file runs in a fresh module graph, so the dynamic imports below evaluate
  // the packages here for the first time. (Bun and Deno share one graph between files: there the
  // packages may have been evaluated by an earlier file, and the comparison holds all the same.)
  it('importing @qatjs/adapter-cnn and @qatjs/layers changes no kernel and no gradient', async () => {
    const before = registry();
    const installed = wasmTrainingKernelsInstalled();
    const cnn = await import('@qatjs/adapter-cnn');
    const layers = await import('@qatjs/layers');
    expect([typeof cnn.Conv2d, typeof layers.Dense]).toEqual(['function', 'function']);
    const after = registry();
    expect(after.map((f, i) => f === before[i])).toEqual(before.map(() => true));
    expect(wasmTrainingKernelsInstalled()).toBe(installed);
  });

  it("initBackend('wasm') installs the training kernels and the dilated conv gradients", async () => {
    await initBackend('wasm');
    expect(wasmTrainingKernelsInstalled()).toBe(true);
    await useBackend('cpu');
    const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
    const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(x, t as tf.Tensor4D, 1, 'valid', 'NHWC', 2)))(w);
    // every output (3x3 of them) sees each tap once, on an input of ones; stock tfjs refuses dilation here
    expect(Array.from(g.dataSync())).toEqual([9, 9, 9, 9]);
    tf.dispose([x, w, g]);
  });
});
