// Our WebAssembly SIMD fake-quantize kernels, instantiated against tfjs-backend-wasm's own memory so
// they read and write tensors in place: per-tensor (kernels/fake-quantize-f32x4.wat) and per-channel
// (kernels/fake-quantize-per-channel-f32x4.wat). If the backend's memory cannot be imported (a future
// threaded build with shared memory, another layout), callers fall back to TypeScript.
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { wasmHeapMemory } from '@qatjs/tfjs-wasm-training';
import { FAKE_QUANTIZE_F32X4_WASM } from '../generated/fake-quantize-f32x4-wasm.ts';
import { FAKE_QUANTIZE_PER_CHANNEL_F32X4_WASM } from '../generated/fake-quantize-per-channel-f32x4-wasm.ts';

export interface SimdFakeQuantize {
  minmax(ptr: number, n: number): [number, number, number];
  forward(x: number, out: number, n: number, s: number, lo: number, hi: number): number;
  gradX(dy: number, x: number, out: number, n: number, s: number, lo: number, hi: number): void;
  gradScale(dy: number, x: number, n: number, s: number, lo: number, hi: number): number;
  gradZeroPoint(dy: number, x: number, n: number, s: number, lo: number, hi: number): number;
}

/** Per-channel kernels (kernels/fake-quantize-per-channel-f32x4.wat); sP/loP/hiP are the parameter tables. */
export interface SimdFakeQuantizePerChannel {
  forwardLanes(x: number, out: number, n: number, sP: number, loP: number, hiP: number, period: number): number;
  gradXLanes(dy: number, x: number, out: number, n: number, sP: number, loP: number, hiP: number, period: number): void;
  gradParamLanes(dy: number, x: number, n: number, sP: number, loP: number, hiP: number, channels: number, acc: number, wrt: 0 | 1): void;
  gradParamRuns(dy: number, x: number, outer: number, channels: number, inner: number, sP: number, loP: number, hiP: number, acc: number, wrt: 0 | 1): void;
}

const caches = new Map<string, WeakMap<WebAssembly.Memory, object | null>>();
const binaries = new Map<string, Uint8Array>();

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A module's exports bound to this wasm backend's memory (one instance per memory), or undefined when they cannot be. */
function bound<T>(backend: KernelBackend, b64: string): T | undefined {
  const memory = wasmHeapMemory(backend);
  if (!memory) return undefined;
  let cache = caches.get(b64);
  if (!cache) caches.set(b64, (cache = new WeakMap()));
  let k = cache.get(memory);
  if (k === undefined) {
    try {
      let binary = binaries.get(b64);
      if (!binary) binaries.set(b64, (binary = decodeBase64(b64)));
      k = new WebAssembly.Instance(new WebAssembly.Module(binary as BufferSource), { env: { memory } }).exports;
    } catch {
      k = null;
    }
    cache.set(memory, k);
  }
  return (k ?? undefined) as T | undefined;
}

/** The per-tensor kernels bound to this wasm backend's memory, or undefined when they cannot be. */
export function simdKernelsFor(backend: KernelBackend): SimdFakeQuantize | undefined {
  return bound<SimdFakeQuantize>(backend, FAKE_QUANTIZE_F32X4_WASM);
}

/** The per-channel kernels bound to this wasm backend's memory, or undefined when they cannot be. */
export function simdPerChannelKernelsFor(backend: KernelBackend): SimdFakeQuantizePerChannel | undefined {
  return bound<SimdFakeQuantizePerChannel>(backend, FAKE_QUANTIZE_PER_CHANNEL_F32X4_WASM);
}

/** Byte offset of a tensor's data in the wasm heap (one helper, shared with the training kernels). */
export { heapOffset } from '@qatjs/tfjs-wasm-training';
