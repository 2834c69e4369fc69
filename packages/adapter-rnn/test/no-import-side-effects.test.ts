import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { WASM_TRAINING_KERNELS, wasmTrainingKernelsInstalled } from '@qatjs/tfjs-wasm-training';
import '@qatjs/test-utils';

// Importing the adapter changes no tfjs kernel: the in-place Slice/SplitV/Unpack its training relies
// on on wasm are installed by @qatjs/core's initBackend('wasm'), never by an import.
describe('importing @qatjs/adapter-rnn', () => {
  it('changes no kernel', async () => {
    const registry = () => Object.keys(WASM_TRAINING_KERNELS).map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
    const before = registry();
    const installed = wasmTrainingKernelsInstalled();
    const rnn = await import('@qatjs/adapter-rnn');
    expect([typeof rnn.LSTM, typeof rnn.GRU, typeof rnn.charLstm]).toEqual(['function', 'function', 'function']);
    expect(registry().map((f, i) => f === before[i])).toEqual(before.map(() => true));
    expect(wasmTrainingKernelsInstalled()).toBe(installed);
  });
});
