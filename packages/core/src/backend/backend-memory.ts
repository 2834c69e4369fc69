// Direct access to the float32 data of the two CPU-side backends, for kernels written in
// TypeScript: tfjs-backend-cpu keeps a typed array per tensor, tfjs-backend-wasm keeps tensors on
// its WebAssembly heap. Other backends (webgl, webgpu) have no such access; ops fall back to tfjs ops.
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend } from '@qatjs/tfjs-wasm-training';

/** The backends whose memory our TypeScript kernels can read and write. */
export const HOST_MEMORY_BACKENDS = ['cpu', 'wasm'] as const;
export type HostMemoryBackendName = (typeof HOST_MEMORY_BACKENDS)[number];

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
}

/** Read/allocate float32 tensors on one host-memory backend. */
export interface HostMemory {
  /** A view (wasm) or the array itself (cpu) of a float32 tensor's data. Do not keep it across allocations. */
  read(info: TensorInfo): Float32Array;
  /**
   * Allocates a float32 output and lets `fill` write it (through the array, or, on wasm, through the
   * heap at the output's offset); `fill` may return an error to throw after freeing the output.
   */
  output(shape: number[], fill: (out: Float32Array, info: TensorInfo) => Error | undefined): TensorInfo;
}

function asFloat32(values: unknown, what: string): Float32Array {
  if (!(values instanceof Float32Array)) throw new Error(`qatjs kernel: ${what} is not float32 data`);
  return values;
}

export function hostMemory(backendName: HostMemoryBackendName, backend: KernelBackend): HostMemory {
  if (backendName === 'cpu') {
    const cpu = backend as unknown as CpuBackendLike;
    return {
      read: (info) => asFloat32(cpu.data.get(info.dataId)?.values, 'a cpu tensor'),
      output(shape, fill) {
        let size = 1;
        for (const d of shape) size *= d;
        const values = new Float32Array(size);
        const err = fill(values, { dataId: {}, shape, dtype: 'float32' });
        if (err) throw err;
        return cpu.makeTensorInfo(shape, 'float32', values);
      },
    };
  }
  const wasm = asWasmBackend(backend, 'qatjs kernel');
  return {
    read: (info) => asFloat32(wasm.typedArrayFromHeap(info), 'a wasm tensor'),
    output(shape, fill) {
      // Allocate first: a heap growth detaches earlier views, so callers read inputs inside `fill`.
      const out = wasm.makeOutput(shape, 'float32');
      const err = fill(asFloat32(wasm.typedArrayFromHeap(out), 'a wasm output'), out);
      if (err) {
        wasm.disposeData(out.dataId, true);
        throw err;
      }
      return out;
    },
  };
}
