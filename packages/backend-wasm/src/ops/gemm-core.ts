// The GEMM all matrix ops share: int8 A rows times packed W panels (assembly/gemm), with A packed
// into the scratch on every call and W packed once by packRhs.
import { Scratch, type KernelContext } from '../context.ts';
import { fail } from '../validate.ts';

/** Bytes of the packed W of a k x n matrix (panels of 8 columns, see assembly/pack). */
export function packedRhsBytes(k: number, n: number): number {
  return Math.ceil(n / 8) * (64 + 32 * Math.ceil(k / 2));
}

/** Bytes of the packed A of an m x k matrix (blocks of 4 rows). */
export function packedLhsBytes(m: number, k: number): number {
  return Math.ceil(m / 4) * 16 * Math.ceil(k / 2);
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

/** Packs W (already in WASM memory) into `dst` with per-column zero points, biases, multipliers (pointers or 0). */
export function packRhsInto(ctx: KernelContext, k: number, n: number, src: RhsSource, wzp: number, bias: number, mult: number, dst: number): void {
  ctx.raw.pack_rhs_s8_8xk2_s16(k, n, src.ptr, src.strideK, src.strideN, wzp, bias, mult, dst);
}

/**
 * Packs host weights into a new heap block (the caller owns it). With `groups` > 1 the n columns
 * split into that many groups, each packed as its own [k, n / groups] W, one after the other
 * (a grouped conv2d; the layout must then be 'kn').
 */
export function packRhs(
  ctx: KernelContext, values: Int8Array, k: number, n: number, layout: 'kn' | 'nk',
  zeroPoint: Int32Array, bias: Int32Array, multiplier: Float32Array, groups = 1,
): number {
  const ng = n / groups;
  const groupBytes = packedRhsBytes(k, ng);
  const dst = ctx.heap.alloc(groupBytes * groups);
  const tmp = [ctx.upload(values), ctx.upload(zeroPoint), ctx.upload(bias), ctx.upload(multiplier)];
  try {
    for (let g = 0; g < groups; g++) {
      const src = layout === 'kn' ? { ptr: tmp[0] + g * ng, strideK: n, strideN: 1 } : { ptr: tmp[0], strideK: 1, strideN: k };
      packRhsInto(ctx, k, ng, src, tmp[1] + 4 * g * ng, tmp[2] + 4 * g * ng, tmp[3] + 4 * g * ng, dst + g * groupBytes);
    }
  } finally {
    for (const p of tmp) ctx.heap.free(p);
  }
  return dst;
}

/** Where the output goes and how: int8 requantized (zp, clamp) or the int32 accumulators. */
export type GemmOutput = { readonly dtype: 'int8'; readonly zeroPoint: number; readonly lo: number; readonly hi: number } | { readonly dtype: 'int32' };

// W panels of one column chunk stay in (half of) L2 while A streams past them.
const L2_BUDGET_BYTES = 256 * 1024;

export function columnBlock(k: number, n: number): number {
  const panel = 64 + 32 * Math.ceil(k / 2);
  const panels = Math.max(1, Math.floor(L2_BUDGET_BYTES / panel));
  return Math.min(Math.ceil(n / 8), panels) * 8;
}

/**
 * C[m x n] = (A[m x k] - zpA) . W + bias; A rows `lda` bytes apart, C rows `ldc` elements apart
 * (default n: contiguous).
 */
export function runGemm(ctx: KernelContext, m: number, n: number, k: number, a: number, lda: number, zpA: number, packedW: number, c: number, out: GemmOutput, ldc = n): void {
  if (m === 0) return;
  const aPacked = ctx.scratch(Scratch.Lhs, packedLhsBytes(m, k));
  ctx.raw.pack_lhs_s8_4xk2_s16(m, k, a, lda, zpA, aPacked);
  const nc = columnBlock(k, n);
  if (out.dtype === 'int8') ctx.raw.gemm_s8s8_dot16(m, n, k, aPacked, packedW, c, ldc, 0, out.zeroPoint, out.lo, out.hi, nc);
  else ctx.raw.gemm_s8s8_dot16(m, n, k, aPacked, packedW, c, ldc * 4, 1, 0, 0, 0, nc);
}
