// conv2d on NHWC int8 without a materialized im2col (the SIMD128 dot16 family): output pixels go in
// chunks of `mc` rows of the GEMM's A, sized by the caller so the chunk's im2col rows and its packed
// int16 panels stay in L1. Each chunk is gathered (im2colPixels), packed (pack_lhs_s8_4xk2_s16) and
// multiplied with every W panel (gemm_s8s8_dot16, requantization in its epilogue) before the next
// chunk is touched: the activations make one trip through memory instead of three.
// A 1x1, stride 1, unpadded conv (and a plain GEMM) has its rows in x already, `lda` bytes apart:
// `direct` = 1 skips the gather and packs straight from x.
// The numbers are the materialized path's exactly: the same gather, the same packing, the same kernel.
import { im2colPixels } from './im2col-s8-nhwc';
import { pack_lhs_s8_4xk2_s16 } from '../pack/pack-lhs-s8-4xk2-s16';
import { gemm_s8s8_dot16 } from '../gemm/gen/gemm-s8s8-dot16';

export function conv2d_s8s8_nhwc_dot16(
  batch: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32, direct: i32, lda: usize,
  n: i32, wp: usize, y: usize, ldc: usize, acc32: i32, zp: i32, lo: i32, hi: i32, ncBlock: i32,
  mc: i32, rows: usize, packed: usize,
): void {
  const m = batch * oh * ow;
  const k = kh * kw * cg;
  for (let p0 = 0; p0 < m; p0 += mc) {
    const count = min(mc, m - p0);
    let a = x + <usize>c0 + <usize>p0 * lda;
    let stride = lda;
    if (direct == 0) {
      im2colPixels(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, p0, count, rows);
      a = rows;
      stride = <usize>k;
    }
    pack_lhs_s8_4xk2_s16(count, k, a, stride, zpx, packed);
    gemm_s8s8_dot16(count, n, k, packed, wp, y + <usize>p0 * ldc, ldc, acc32, zp, lo, hi, ncBlock);
  }
}
