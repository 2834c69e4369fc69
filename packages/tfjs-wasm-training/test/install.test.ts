import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@qatjs/test-utils';
import { installWasmTrainingKernels, wasmTrainingKernelsInstalled, WASM_TRAINING_KERNELS } from '@qatjs/tfjs-wasm-training';

// test-utils imports tfjs-backend-wasm and tfjs-backend-cpu. (That importing a qatjs package installs
// nothing is checked in @qatjs/adapter-cnn's tests, which import the packages above this one.)
const OURS = Symbol.for('qatjs.tfjs-wasm-training.kernel');
const isOurs = (name: string, backend: string) => (tf.getKernel(name, backend)?.kernelFunc as unknown as Record<symbol, unknown> | undefined)?.[OURS] === true;
const NAMES = ['BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad', 'Tile', 'UnsortedSegmentSum'];

describe('installWasmTrainingKernels', () => {
  it('installs every kernel for the wasm backend only', async () => {
    expect(Object.keys(WASM_TRAINING_KERNELS).sort()).toEqual(NAMES);
    installWasmTrainingKernels();
    await useBackend('wasm');
    expect(wasmTrainingKernelsInstalled()).toBe(true);
    for (const name of NAMES) {
      expect({ name, oursOnWasm: isOurs(name, 'wasm'), oursOnCpu: isOurs(name, 'cpu'), cpuHasOne: tf.getKernel(name, 'cpu') !== undefined }).toEqual({
        name,
        oursOnWasm: true,
        oursOnCpu: false,
        cpuHasOne: true,
      });
    }
  });

  it('changes nothing when called again', () => {
    expect(installWasmTrainingKernels()).toEqual({ added: [], replaced: [] });
    expect(wasmTrainingKernelsInstalled()).toBe(true);
  });

  it('replaces a kernel registered over ours again, and the result still computes', async () => {
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: () => { throw new Error('not ours'); } });
    expect(wasmTrainingKernelsInstalled()).toBe(false);
    expect(installWasmTrainingKernels()).toEqual({ added: [], replaced: ['MaxPoolGrad'] });
    expect(isOurs('MaxPoolGrad', 'wasm')).toBe(true);
    await useBackend('wasm');
    // one 2x2 window of negative values: its gradient goes to its maximum, -1 (stock wasm loses it)
    const [input, dy] = [tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]), tf.tensor4d([1], [1, 1, 1, 1])];
    const g = tf.engine().runKernel('MaxPoolGrad', { dy, input, output: dy }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 0]);
    tf.dispose([input, dy, g]);
  });
});
