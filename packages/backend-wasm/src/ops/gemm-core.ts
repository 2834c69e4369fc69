// The GEMM all matrix ops share: int8 A rows times W panels packed once (packRhs), with A packed
// into the scratch on every call. Two paths compute the same numbers:
//   dot16: int16 K-pair panels, i32x4.dot_i16x8_s (SIMD128, every runtime, the default);
//   rdot, rdot2: int8 K-quad panels, i32x4.relaxed_dot_i8x16_i7x16_add_s (relaxed/paths.ts), where
//          the runtime passed the known-answer check and relaxed SIMD is on (kernels.ts).
import { Scratch, type KernelContext } from '../context.ts';
import { fail } from '../validate.ts';
import { foldInputZeroPoint, RELAXED_PANEL, relaxedPathFor, runRelaxedGemm, type RelaxedPath } from '../relaxed/paths.ts';

export type GemmPath = 'dot16' | RelaxedPath;

const K_STEP: Record<GemmPath, number> = { dot16: 2, rdot: 4, rdot2: 4 };

/** Bytes of one panel of 8 columns over k (see assembly/pack, assembly/relaxed). */
function panelBytes(k: number, path: GemmPath): number {
  const { frame, perStep } = path === 'dot16' ? { frame: 64, perStep: 32 } : RELAXED_PANEL[path];
  return frame + perStep * Math.ceil(k / K_STEP[path]);
}

/** Bytes of the packed W of a k x n matrix (panels of 8 columns). */
export function packedRhsBytes(k: number, n: number, path: GemmPath = 'dot16'): number {
  return Math.ceil(n / 8) * panelBytes(k, path);
}

/** Bytes of the packed A of an m x k matrix (blocks of 4 rows; the relaxed paths add 4 row corrections). */
export function packedLhsBytes(m: number, k: number, path: GemmPath = 'dot16'): number {
  return Math.ceil(m / 4) * (16 * Math.ceil(k / K_STEP[path]) + (path === 'dot16' ? 0 : 16));
}

/** Largest |x - zp| of int8 codes x. */
export function maxCentered(zp: number): number {
  return Math.max(127 - zp, zp + 128);
}

/** Throws unless every accumulator bias + sum of k products fits int32. */
export function checkAccumulatorRange(op: string, k: number, maxA: number, maxW: number, maxBias: number): void {
  const bound = k * maxA * maxW + maxBias;
  if (bound > 2 ** 31 - 1) {
    fail(op, `k = ${k} with |x - zp| <= ${maxA}, |w - zp| <= ${maxW}, |bias| <= ${maxBias} can overflow the int32 accumulator`);
  }
}

export interface RhsSource {
  /** Element (kk, j) at ptr + kk * strideK + j * strideN. */
  readonly ptr: number;
  readonly strideK: number;
  readonly strideN: number;
}

/** Packs W (already in WASM memory) for dot16 into `dst`; per-column zero points, biases, multipliers are pointers or 0. */
export function packRhsInto(ctx: KernelContext, k: number, n: number, src: RhsSource, wzp: number, bias: number, mult: number, dst: number): void {
  ctx.raw.pack_rhs_s8_8xk2_s16(k, n, src.ptr, src.strideK, src.strideN, wzp, bias, mult, dst);
}

/** Packed weights: a heap block owned by the op, the path it was packed for, one W a group. */
export interface PackedRhs {
  readonly ptr: number;
  readonly bytes: number;
  readonly path: GemmPath;
  readonly groupBytes: number;
}

/**
 * Packs host weights into a new heap block. With `groups` > 1 the n columns split into that many
 * groups, each packed as its own [k, n / groups] W, one after the other (a grouped conv2d; layout
 * 'kn'). `zpIn` is the input zero point, which the rdot path folds into the bias.
 */
export function packRhs(
  ctx: KernelContext, values: Int8Array, k: number, n: number, layout: 'kn' | 'nk',
  zeroPoint: Int32Array, bias: Int32Array, multiplier: Float32Array, zpIn: number, groups = 1,
): PackedRhs {
  const channelOf = layout === 'kn' ? (i: number) => i % n : (i: number) => Math.floor(i / k);
  const relaxed = ctx.relaxed ? relaxedPathFor(values, n, zeroPoint, channelOf) : null;
  const path: GemmPath = relaxed?.path ?? 'dot16';
  const packedBias = relaxed ? foldInputZeroPoint(values, zeroPoint, bias, zpIn, channelOf) : bias;
  const ng = n / groups;
  const groupBytes = packedRhsBytes(k, ng, path);
  const dst = ctx.heap.alloc(groupBytes * groups);
  const tmp = [ctx.upload(values), ctx.upload(zeroPoint), ctx.upload(packedBias), ctx.upload(multiplier), ctx.upload(relaxed?.offsets ?? new Int32Array(n))];
  try {
    for (let g = 0; g < groups; g++) {
      const src = layout === 'kn' ? { ptr: tmp[0] + g * ng, strideK: n, strideN: 1 } : { ptr: tmp[0], strideK: 1, strideN: k };
      const [wzp, b, m, d, off] = [tmp[1] + 4 * g * ng, tmp[2] + 4 * g * ng, tmp[3] + 4 * g * ng, dst + g * groupBytes, tmp[4] + 4 * g * ng];
      if (path === 'rdot') ctx.relaxed!.pack_rhs_s8_8xk4_rdot(k, ng, src.ptr, src.strideK, src.strideN, wzp, b, m, d);
      else if (path === 'rdot2') ctx.relaxed!.pack_rhs_s8_8xk4_rdot2(k, ng, src.ptr, src.strideK, src.strideN, wzp, off, b, m, d);
      else packRhsInto(ctx, k, ng, src, wzp, b, m, d);
    }
  } finally {
    for (const p of tmp) ctx.heap.free(p);
  }
  return { ptr: dst, bytes: groupBytes * groups, path, groupBytes };
}

/** Where the output goes and how: int8 requantized (zp, clamp) or the int32 accumulators. */
export type GemmOutput = { readonly dtype: 'int8'; readonly zeroPoint: number; readonly lo: number; readonly hi: number } | { readonly dtype: 'int32' };

// W panels of one column chunk stay in (half of) L2 while A streams past them.
const L2_BUDGET_BYTES = 256 * 1024;

export function columnBlock(k: number, n: number, path: GemmPath = 'dot16'): number {
  const panels = Math.max(1, Math.floor(L2_BUDGET_BYTES / panelBytes(k, path)));
  return Math.min(Math.ceil(n / 8), panels) * 8;
}

// The fused conv driver packs this many bytes of A (int16 K-pair panels) at a time: the chunk stays
// in L1 (32 KiB and more on the CPUs we measure) beside the narrow W of a conv while the GEMM reads it.
const L1_CHUNK_BYTES = 16 * 1024;

/** Rows of A a chunk of the fused conv driver takes: a multiple of 4, at least 4. */
export function lhsChunkRows(k: number): number {
  return Math.max(4, Math.min(1024, Math.floor(L1_CHUNK_BYTES / (4 * Math.ceil(k / 2)) / 4) * 4));
}

/**
 * C[m x n] = (A[m x k] - zpA) . W + bias over W packed for `path` at `w`; A rows `lda` bytes
 * apart, C rows `ldc` elements apart (default n: contiguous).
 */
export function runGemm(
  ctx: KernelContext, m: number, n: number, k: number, a: number, lda: number, zpA: number,
  path: GemmPath, w: number, c: number, out: GemmOutput, ldc = n,
): void {
  if (m === 0) return;
  const aPacked = ctx.scratch(Scratch.Lhs, packedLhsBytes(m, k, path));
  const nc = columnBlock(k, n, path);
  const [acc32, zp, lo, hi, cStride] = out.dtype === 'int8' ? [0, out.zeroPoint, out.lo, out.hi, ldc] : [1, 0, 0, 0, ldc * 4];
  if (path !== 'dot16') {
    runRelaxedGemm(ctx.relaxed!, path, m, n, k, a, lda, aPacked, w, c, cStride, acc32, zp, lo, hi, nc);
  } else {
    ctx.raw.pack_lhs_s8_4xk2_s16(m, k, a, lda, zpA, aPacked);
    ctx.raw.gemm_s8s8_dot16(m, n, k, aPacked, w, c, cStride, acc32, zp, lo, hi, nc);
  }
}
