import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { installWasmTrainingKernels, wasmTrainingKernelsInstalled, WASM_TRAINING_KERNELS } from '@qatjs/adapter-cnn';
import { useBackend } from '@qatjs/test-utils';

const OURS = Symbol.for('qatjs.adapter-cnn.wasm-training-kernel');
const isOurs = (name: string, backend: string) => (tf.getKernel(name, backend)?.kernelFunc as unknown as Record<symbol, unknown> | undefined)?.[OURS] === true;

describe('installWasmTrainingKernels', () => {
  it('is installed on import, for the wasm backend only', async () => {
    await useBackend('wasm');
    expect(wasmTrainingKernelsInstalled()).toBe(true);
    expect(Object.keys(WASM_TRAINING_KERNELS).sort()).toEqual(
      ['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad', 'Tile'],
    );
    for (const name of Object.keys(WASM_TRAINING_KERNELS)) {
      expect({ name, oursOnWasm: isOurs(name, 'wasm'), oursOnCpu: isOurs(name, 'cpu'), cpuHasOne: tf.getKernel(name, 'cpu') !== undefined }).toEqual({
        name,
        oursOnWasm: true,
        oursOnCpu: false,
        cpuHasOne: true,
      });
    }
  });

  it('changes nothing when called again', () => {
    expect(installWasmTrainingKernels()).toEqual({ added: [], replaced: [], gradients: [] });
    expect(wasmTrainingKernelsInstalled()).toBe(true);
  });

  it('replaces a kernel registered over ours again, and the result still computes', async () => {
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: () => { throw new Error('not ours'); } });
    expect(wasmTrainingKernelsInstalled()).toBe(false);
    expect(installWasmTrainingKernels()).toEqual({ added: [], replaced: ['MaxPoolGrad'], gradients: [] });
    expect(isOurs('MaxPoolGrad', 'wasm')).toBe(true);
    await useBackend('wasm');
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 0]);
    tf.dispose([x, g]);
  });

  it('lets tfjs gradients of dilated convs run where stock tfjs refuses them', async () => {
    await useBackend('cpu');
    const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
    const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.conv2d(x, t as tf.Tensor4D, 1, 'valid', 'NHWC', 2)))(w);
    // every output (3x3 of them) sees each tap once, on an input of ones
    expect(Array.from(g.dataSync())).toEqual([9, 9, 9, 9]);
    tf.dispose([x, w, g]);
  });
});
