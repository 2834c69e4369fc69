// The relaxed-SIMD GEMM paths (assembly/relaxed), both exact on every conforming lowering because
// the 7-bit operand of i32x4.relaxed_dot_i8x16_i7x16_add_s always holds [0, 127]:
//   rdot:  weights with every w - zp_w in [-64, 63] (int4, int2, 7-bit): u = w - zp_w + 64, one
//          relaxed dot a K quad (16 MACs);
//   rdot2: int8 weights whose every column spans at most 254 codes (narrow-range int8 always does):
//          u = w - zp_w + off[col] in [0, 254] as two 7-bit halves, two relaxed dots a K quad.
// x is packed raw (int8, the signed operand); its zero point goes into the bias at packing and the
// offsets come off with the row sums in the epilogue, so the int32 accumulators equal dot16's.
import type { RelaxedExports } from '../load/exports.ts';

export type RelaxedPath = 'rdot' | 'rdot2';

/** Panel frame bytes and W bytes a K quad of 8 columns, per relaxed path. */
export const RELAXED_PANEL: Record<RelaxedPath, { frame: number; perStep: number }> = {
  rdot: { frame: 64, perStep: 32 },
  rdot2: { frame: 96, perStep: 64 },
};

export interface RelaxedChoice {
  readonly path: RelaxedPath;
  /** rdot2: per-column offsets, the column's -min of w - zp_w, so w - zp_w + off is in [0, 254]. */
  readonly offsets?: Int32Array;
}

/** The relaxed path that takes these weights exactly (the column of element i is channelOf(i)), or null. */
export function relaxedPathFor(values: Int8Array, n: number, zeroPoint: Int32Array, channelOf: (i: number) => number): RelaxedChoice | null {
  const lo = new Int32Array(n).fill(255);
  const hi = new Int32Array(n).fill(-256);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    const v = values[i] - zeroPoint[c];
    if (v < lo[c]) lo[c] = v;
    if (v > hi[c]) hi[c] = v;
  }
  let seven = true;
  for (let c = 0; c < n; c++) {
    if (hi[c] - lo[c] > 254) return null;
    if (lo[c] < -64 || hi[c] > 63) seven = false;
  }
  return seven ? { path: 'rdot' } : { path: 'rdot2', offsets: lo.map((v) => -v) };
}

/** bias - zp_x * sum_k (w - zp_w) per column: x is packed raw. int32 wraps like the kernel's adds. */
export function foldInputZeroPoint(values: Int8Array, zeroPoint: Int32Array, bias: Int32Array, zpIn: number, channelOf: (i: number) => number): Int32Array {
  const out = Int32Array.from(bias);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    out[c] = (out[c] - zpIn * (values[i] - zeroPoint[c])) | 0;
  }
  return out;
}

/** Packs A raw with its row corrections, then runs the path's driver. */
export function runRelaxedGemm(
  relaxed: RelaxedExports, path: RelaxedPath, m: number, n: number, k: number, a: number, lda: number,
  aPacked: number, w: number, c: number, ldc: number, acc32: number, zp: number, lo: number, hi: number, ncBlock: number,
): void {
  relaxed.pack_lhs_s8_4xk4_rdot(m, k, a, lda, path === 'rdot' ? -64 : 1, aPacked);
  const gemm = path === 'rdot' ? relaxed.gemm_s8s7_rdot : relaxed.gemm_s8s8_rdot2;
  gemm(m, n, k, aPacked, w, c, ldc, acc32, zp, lo, hi, ncBlock);
}
