// What the ops need from a kernels instance: the memory, its heap, the raw kernels, and scratch
// blocks that persist between calls (so a GEMM does not allocate on every run).
import type { RelaxedExports, Simd128Exports } from './load/exports.ts';
import type { TensorOwner } from './tensor.ts';

/** Scratch slots: each holds one block at a time, grown on demand and reused by later calls. */
export const Scratch = {
  /** The GEMM's packed int16 A panels. */
  Lhs: 0,
  /** im2col rows, or an activation x activation matmul's packed B panels. */
  Aux: 1,
  /** Small per-call tables (a matmul's per-column zero points and multipliers). */
  Params: 2,
  /** The first of src/threads' slots: worker t (1, 2, ...) packs a split fused conv in slot Workers + t - 1. */
  Workers: 3,
} as const;
export type Scratch = (typeof Scratch)[keyof typeof Scratch];

export interface KernelContext extends TensorOwner {
  readonly raw: Simd128Exports;
  /** The relaxed-SIMD kernels, when requested and the runtime passed the known-answer check. */
  readonly relaxed: RelaxedExports | null;
  /** A block of at least `bytes` for this slot (contents undefined); valid until the slot's next call. */
  scratch(slot: Scratch, bytes: number): number;
  /** Copies `data` into a new heap block; the caller frees it. */
  upload(data: Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array): number;
}
