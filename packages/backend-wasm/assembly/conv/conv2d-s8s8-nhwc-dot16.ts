// conv2d on NHWC int8 without a materialized im2col (the SIMD128 dot16 family): output pixels go in
// chunks of `mc` rows of the GEMM's A, sized by the caller so the chunk's packed int16 panels (and
// the gathered rows of its edge pixels) stay in L1. Each chunk is packed and multiplied with every W
// panel (gemm_s8s8_dot16, requantization in its epilogue) before the next chunk is touched.
//
// Packing a block of 4 output pixels:
//   - im2col fused into the packing: when a filter row's taps are adjacent whole pixels (dilation 1
//     across, no channel slice), kw * cg is a multiple of 8 and the 4 windows lie inside the image,
//     each window is kh runs of kw * cg contiguous input bytes; 8 of them from each of the 4 rows are
//     widened, centred and transposed into the panel straight from x (pack_lhs's own step);
//   - otherwise (image edges, padding, 1-3 channels) the 4 rows are gathered into a small buffer
//     first (im2colPixels, padding = the input zero point) and packed from there.
// A 1x1, stride 1, unpadded conv (and a plain GEMM) has its rows in x already, `lda` bytes apart:
// `direct` = 1 packs straight from x.
// The call computes output pixels [p0, p1) of the batch (pixel p = (image * oh + oy) * ow + ox), so
// src/threads splits a conv by pixel ranges, each thread with its own `rows` and `packed` buffers.
// The numbers are the materialized path's exactly: the same bytes packed the same way, the same kernel.
import { im2colPixels } from './im2col-s8-nhwc';
import { pack_lhs_s8_4xk2_s16 } from '../pack/pack-lhs-s8-4xk2-s16';
import { gemm_s8s8_dot16 } from '../gemm/gen/gemm-s8s8-dot16';
import { storeTransposed4x4 } from '../common/transpose';

/** Address of output pixel p's window origin in x (channel c0 included), or 0 if the window leaves the image. */
@inline function interiorOrigin(
  p: i32, h: i32, w: i32, c: i32, c0: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize,
): usize {
  const b = p / (oh * ow);
  const r = p - b * oh * ow;
  const oy = r / ow;
  const ox = r - oy * ow;
  const iy0 = oy * sh - padTop;
  const ix0 = ox * sw - padLeft;
  if (iy0 < 0 || ix0 < 0 || iy0 + (kh - 1) * dh >= h || ix0 + kw > w) return 0;
  return x + <usize>c0 + ((<usize>b * <usize>h + <usize>iy0) * <usize>w + <usize>ix0) * <usize>c;
}

export function conv2d_s8s8_nhwc_dot16(
  p0: i32, p1: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32, direct: i32, lda: usize,
  n: i32, wp: usize, y: usize, ldc: usize, acc32: i32, zp: i32, lo: i32, hi: i32, ncBlock: i32,
  mc: i32, rows: usize, packed: usize,
): void {
  const k = kh * kw * cg;
  const blockBytes = <usize>((k + 1) >> 1) * 16;
  const runBytes = <usize>(kw * cg);
  const fused = direct == 0 && dw == 1 && cg == c && (runBytes & 7) == 0;
  const rowStride = <usize>dh * <usize>w * <usize>c;
  const vzp = i16x8.splat(<i16>zpx);
  for (let q0 = p0; q0 < p1; q0 += mc) {
    const count = min(mc, p1 - q0);
    if (direct != 0) {
      pack_lhs_s8_4xk2_s16(count, k, x + <usize>c0 + <usize>q0 * lda, lda, zpx, packed);
    } else {
      for (let i = 0; i < count; i += 4) {
        const p = q0 + i;
        const d = packed + <usize>(i >> 2) * blockBytes;
        const nr = min(4, count - i);
        let s0: usize = 0;
        let s1: usize = 0;
        let s2: usize = 0;
        let s3: usize = 0;
        if (fused && nr == 4) {
          s0 = interiorOrigin(p, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, x);
          s1 = interiorOrigin(p + 1, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, x);
          s2 = interiorOrigin(p + 2, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, x);
          s3 = interiorOrigin(p + 3, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, x);
        }
        if (s0 != 0 && s1 != 0 && s2 != 0 && s3 != 0) {
          let q = d;
          for (let ky = 0; ky < kh; ky++) {
            for (let o: usize = 0; o < runBytes; o += 8) {
              storeTransposed4x4(
                q,
                16,
                i16x8.sub(v128.load8x8_s(s0 + o), vzp),
                i16x8.sub(v128.load8x8_s(s1 + o), vzp),
                i16x8.sub(v128.load8x8_s(s2 + o), vzp),
                i16x8.sub(v128.load8x8_s(s3 + o), vzp),
              );
              q += 64;
            }
            s0 += rowStride;
            s1 += rowStride;
            s2 += rowStride;
            s3 += rowStride;
          }
        } else {
          im2colPixels(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, p, nr, rows);
          pack_lhs_s8_4xk2_s16(nr, k, rows, <usize>k, zpx, d);
        }
      }
    }
    gemm_s8s8_dot16(count, n, k, packed, wp, y + <usize>q0 * ldc, ldc, acc32, zp, lo, hi, ncBlock);
  }
}
