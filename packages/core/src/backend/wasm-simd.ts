// Our WebAssembly SIMD fake-quantize kernels, instantiated against tfjs-backend-wasm's own memory so
// they read and write tensors in place. Per-tensor only (the activations, where the volume is);
// per-channel work stays in TypeScript. If the backend's memory cannot be imported (a future
// threaded build with shared memory, another layout), callers fall back to TypeScript.
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { wasmHeapMemory } from '@qatjs/tfjs-wasm-training';
import { FAKE_QUANTIZE_F32X4_WASM } from '../generated/fake-quantize-f32x4-wasm.ts';

export interface SimdFakeQuantize {
  minmax(ptr: number, n: number): [number, number, number];
  forward(x: number, out: number, n: number, s: number, lo: number, hi: number): number;
  gradX(dy: number, x: number, out: number, n: number, s: number, lo: number, hi: number): void;
  gradScale(dy: number, x: number, n: number, s: number, lo: number, hi: number): number;
  gradZeroPoint(dy: number, x: number, n: number, s: number, lo: number, hi: number): number;
}

const cache = new WeakMap<WebAssembly.Memory, SimdFakeQuantize | null>();
let binary: Uint8Array | undefined;

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The kernels bound to this wasm backend's memory, or undefined when they cannot be. */
export function simdKernelsFor(backend: KernelBackend): SimdFakeQuantize | undefined {
  const memory = wasmHeapMemory(backend);
  if (!memory) return undefined;
  let k = cache.get(memory);
  if (k === undefined) {
    try {
      binary ??= decodeBase64(FAKE_QUANTIZE_F32X4_WASM);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as BufferSource), { env: { memory } });
      k = instance.exports as unknown as SimdFakeQuantize;
    } catch {
      k = null;
    }
    cache.set(memory, k);
  }
  return k ?? undefined;
}

/** Byte offset of a tensor's data in the wasm heap (one helper, shared with the training kernels). */
export { heapOffset } from '@qatjs/tfjs-wasm-training';
