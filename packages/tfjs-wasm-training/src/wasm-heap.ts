// Temporaries of one kernel call on tfjs-backend-wasm's heap (through wasm-backend.ts): allocate
// float32 tensors, view them as Float32Arrays, free them, and run the backend's own kernels
// (XNNPACK convolutions, transposes) on them without going through the engine, as the backend's own
// kernels call one another. Nothing here is tracked by the engine: every temporary is freed here.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { asWasmBackend, type WasmBackendInternals } from './wasm-backend.ts';

export type NumericDType = 'float32' | 'int32' | 'bool';

/** Float32 tensors on the wasm backend's heap, for one kernel call. */
export class WasmHeap {
  private readonly backend: WasmBackendInternals;

  constructor(backend: KernelBackend | unknown, private readonly kernelName: string) {
    this.backend = asWasmBackend(backend, kernelName);
  }

  /** Allocates an uninitialised tensor. Allocation may grow the heap and detach older views. */
  alloc(shape: readonly number[], dtype: NumericDType = 'float32'): TensorInfo {
    return this.backend.makeOutput([...shape], dtype);
  }

  /** A float32 tensor of zeros (for gradients that no input reaches). */
  zeros(shape: readonly number[]): TensorInfo {
    const out = this.alloc(shape);
    this.view(out).fill(0);
    return out;
  }

  /** A view of a float32 tensor's data. Take it after the last allocation; do not keep it across one. */
  view(info: TensorInfo): Float32Array {
    if (info.dtype !== 'float32') throw new WasmTrainingError(`${this.kernelName}: expected float32 data, got ${info.dtype}`);
    const a = this.backend.typedArrayFromHeap(info);
    if (!(a instanceof Float32Array)) throw new WasmTrainingError(`${this.kernelName}: the wasm heap did not give float32 data`);
    return a;
  }

  /** A view of a float32, int32 or bool tensor's data, with the same caveat as `view`. */
  numericView(info: TensorInfo): Float32Array | Int32Array | Uint8Array {
    const a = this.backend.typedArrayFromHeap(info);
    if (a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array) return a;
    throw new WasmTrainingError(`${this.kernelName}: the wasm heap gave no numeric data for dtype ${info.dtype}`);
  }

  /** Frees temporaries (safe on undefined, for cleanup paths). */
  free(...infos: (TensorInfo | undefined)[]): void {
    for (const info of infos) if (info) this.backend.disposeData(info.dataId);
  }

  /** Runs the wasm backend's registered kernel `name` directly (never one of ours: we only call forward kernels). */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new WasmTrainingError(`${this.kernelName}: tfjs-backend-wasm has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend as unknown as KernelBackend });
    if (Array.isArray(out)) throw new WasmTrainingError(`${this.kernelName}: ${name} returned several tensors`);
    return out;
  }
}

/** The same data under another shape of the same size (no copy; never returned to the engine). */
export function reshaped(info: TensorInfo, shape: readonly number[]): TensorInfo {
  return { dataId: info.dataId, shape: [...shape], dtype: info.dtype };
}

/**
 * Runs `body`, giving it `temp` to register temporaries, and frees them all when it returns or
 * throws, so a kernel leaves the heap as it found it apart from its output (which it must not register).
 */
export function withTemporaries<T>(heap: WasmHeap, body: (temp: (info: TensorInfo) => TensorInfo) => T): T {
  const temps: TensorInfo[] = [];
  try {
    return body((info) => {
      temps.push(info);
      return info;
    });
  } finally {
    heap.free(...temps);
  }
}
