import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@qatjs/test-utils';
import { asWasmBackend, heapOffset, isWasmBackend, wasmHeapMemory, WasmTrainingError } from '@qatjs/tfjs-wasm-training';

// The one place that knows tfjs-backend-wasm's internals (used by these kernels and by core's
// fake-quantize kernels): a tensor's bytes are where heapOffset says, in the memory wasmHeapMemory gives.
describe('wasm backend internals', () => {
  it('finds a tensor on the wasm heap', async () => {
    await useBackend('wasm');
    const t = tf.tensor1d([1.5, -2, 3.25, 4]);
    const memory = wasmHeapMemory(tf.backend());
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(isWasmBackend(tf.backend())).toBe(true);
    const at = heapOffset(tf.backend(), t as unknown as tf.TensorInfo);
    expect(Array.from(new Float32Array((memory as WebAssembly.Memory).buffer, at, 4))).toEqual([1.5, -2, 3.25, 4]);
    t.dispose();
  });

  it('refuses other backends and bad arguments with errors naming the caller', async () => {
    await useBackend('cpu');
    expect(isWasmBackend(tf.backend())).toBe(false);
    expect(wasmHeapMemory(tf.backend())).toBeUndefined();
    expect(() => asWasmBackend(tf.backend(), 'MyKernel')).toThrow(WasmTrainingError);
    expect(() => asWasmBackend(tf.backend(), 'MyKernel')).toThrow(/MyKernel: this needs tfjs-backend-wasm 4.x's backend/);
    await useBackend('wasm');
    expect(() => heapOffset(tf.backend(), undefined as never)).toThrow(/heapOffset: info must be a tensor's TensorInfo/);
  });
});
