// The few tfjs-backend-wasm 4.x internals qatjs uses, in one place: allocate tensors on the
// backend's WebAssembly heap, view and free them, find a tensor's byte offset, and the heap's memory
// (for WebAssembly modules of our own that read and write tensors in place).
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';

/** What tfjs-backend-wasm's backend object offers that we use. */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): unknown;
  disposeData(dataId: object, force?: boolean): boolean;
  getMemoryOffset(dataId: object): number;
  readonly wasm?: { readonly asm?: { readonly memory?: unknown } };
}

/** True when `b` looks like tfjs-backend-wasm 4.x's backend. */
export function isWasmBackend(b: unknown): b is WasmBackendInternals {
  const o = b as Partial<WasmBackendInternals> | null;
  return (
    typeof o?.makeOutput === 'function' &&
    typeof o.typedArrayFromHeap === 'function' &&
    typeof o.disposeData === 'function' &&
    typeof o.getMemoryOffset === 'function'
  );
}

/** `backend` as tfjs-backend-wasm's backend; `who` names the caller in the error otherwise. */
export function asWasmBackend(backend: KernelBackend | unknown, who: string): WasmBackendInternals {
  if (!isWasmBackend(backend)) {
    throw new WasmTrainingError(`${who}: this needs tfjs-backend-wasm 4.x's backend (makeOutput/typedArrayFromHeap/getMemoryOffset not found)`);
  }
  return backend;
}

/** The backend's WebAssembly memory, or undefined when it does not expose one (another build or version). */
export function wasmHeapMemory(backend: KernelBackend | unknown): WebAssembly.Memory | undefined {
  const memory = (backend as Partial<WasmBackendInternals> | null)?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: KernelBackend | unknown, info: TensorInfo): number {
  if (typeof info?.dataId !== 'object' || info.dataId === null) throw new WasmTrainingError(`heapOffset: info must be a tensor's TensorInfo (with a dataId), got ${String(info)}`);
  return asWasmBackend(backend, 'heapOffset').getMemoryOffset(info.dataId);
}
