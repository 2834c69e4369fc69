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
//     an edge pixel among the 4 (padding) has its row gathered alone (im2colPixels) and read from there;
//   - filter rows of adjacent taps that are not a multiple of 8 bytes (1-3 channels: a first conv on
//     gray or RGB pixels): each interior window's kh runs are copied into one row (8-byte words), edge
//     windows gathered by im2colPixels, and the 4 rows packed 8 k at a time;
//   - otherwise (dilation across, a group's channel slice, the last block's 1-3 pixels) the rows are
//     gathered into a small buffer first (im2colPixels, padding = the input zero point) and packed by
//     pack_lhs.
// Pixel coordinates are stepped from block to block, never divided out of the pixel index.
// A 1x1, stride 1, unpadded conv (and a plain GEMM) has its rows in x already, `lda` bytes apart:
// `direct` = 1 packs straight from x. `direct` = 2 runs the conv indirect (conv2d-s8s8-nhwc-idot16.ts:
// no gather, no packing; W packed over whole filter-row pairs; `packed` holds its padded int16 copies).
// The call computes output pixels [p0, p1) of the batch (pixel p = (image * oh + oy) * ow + ox), so
// src/threads splits a conv by pixel ranges, each thread with its own `rows` and `packed` buffers.
// The numbers are the materialized path's exactly: the same rows packed the same way, the same kernel
// (where k is odd, the gathered path's partner of the last k is a neighbouring byte, not zero: its W is zero).
import { copyBytes, im2colPixels, im2colPixelsAt } from './im2col-s8-nhwc';
import { pack_lhs_s8_4xk2_s16 } from '../pack/pack-lhs-s8-4xk2-s16';
import { gemm_s8s8_dot16 } from '../gemm/gen/gemm-s8s8-dot16';
import { storeCentredPairs4x4 } from '../common/transpose';
import { conv2d_s8s8_nhwc_idot16 } from './conv2d-s8s8-nhwc-idot16';

/** Address of output pixel (b, oy, ox)'s window origin in x (channel c0 included), or 0 if the window leaves the image. */
@inline function interiorOrigin(
  b: i32, oy: i32, ox: i32, h: i32, w: i32, c: i32, c0: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32,
  padTop: i32, padLeft: i32, x: usize,
): usize {
  const iy0 = oy * sh - padTop;
  const ix0 = ox * sw - padLeft;
  if (iy0 < 0 || ix0 < 0 || iy0 + (kh - 1) * dh >= h || ix0 + kw > w) return 0;
  return x + <usize>c0 + ((<usize>b * <usize>h + <usize>iy0) * <usize>w + <usize>ix0) * <usize>c;
}

/**
 * One interior window's kh runs of `run` bytes (`stride` apart in x) as one row of kh * run bytes at
 * dst. Runs of 4 to 8 bytes move as 8-byte words, of 2 or 3 as 4-byte words (each next run
 * overwrites the word's spill), the last run exactly, so nothing is written past the row; x may be read up to 7 bytes past a run.
 */
@inline function gatherWindow(dst: usize, src: usize, kh: i32, run: usize, stride: usize): void {
  let ky = 0;
  if (run >= 4 && run <= 8) {
    for (; ky < kh - 1; ky++) {
      store<u64>(dst, load<u64>(src));
      dst += run;
      src += stride;
    }
  } else if (run >= 2 && run < 4) {
    for (; ky < kh - 1; ky++) {
      store<u32>(dst, load<u32>(src));
      dst += run;
      src += stride;
    }
  }
  for (; ky < kh; ky++) {
    copyBytes(dst, src, run);
    dst += run;
    src += stride;
  }
}

/**
 * pack_lhs's panel of 4 full rows (`ld` bytes apart) for k pairs: 8 k a step; the last step stores
 * only the pairs left. The odd k's partner (when k is odd) is the next byte, not zero: its W entry
 * is zero (pack_rhs), so it adds nothing, exactly.
 */
@inline function packRows4(r0: usize, ld: usize, kp: i32, vzp: v128, d: usize): void {
  const r1 = r0 + ld;
  const r2 = r1 + ld;
  const r3 = r2 + ld;
  let o: usize = 0;
  let j = 0;
  for (; j + 4 <= kp; j += 4) {
    storeCentredPairs4x4(d, r0 + o, r1 + o, r2 + o, r3 + o, vzp);
    d += 64;
    o += 8;
  }
  const left = kp - j;
  if (left > 0) {
    const a0 = i16x8.sub(v128.load8x8_s(r0 + o), vzp);
    const a1 = i16x8.sub(v128.load8x8_s(r1 + o), vzp);
    const a2 = i16x8.sub(v128.load8x8_s(r2 + o), vzp);
    const a3 = i16x8.sub(v128.load8x8_s(r3 + o), vzp);
    const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
    v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
    if (left > 1) v128.store(d, i64x2.shuffle(t0, t2, 1, 3), 16);
    if (left > 2) {
      const t1 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      v128.store(d, i64x2.shuffle(t1, t3, 0, 2), 32);
    }
  }
}

export function conv2d_s8s8_nhwc_dot16(
  p0: i32, p1: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32, direct: i32, lda: usize,
  n: i32, wp: usize, y: usize, ldc: usize, acc32: i32, zp: i32, lo: i32, hi: i32, ncBlock: i32,
  mc: i32, rows: usize, packed: usize,
): void {
  if (direct == 2) {
    conv2d_s8s8_nhwc_idot16(p0, p1, h, w, c, kh, kw, sh, sw, dh, padTop, padLeft, oh, ow, x, zpx, n, wp, y, ldc, acc32, zp, lo, hi, packed);
    return;
  }
  const k = kh * kw * cg;
  const blockBytes = <usize>((k + 1) >> 1) * 16;
  const runBytes = <usize>(kw * cg);
  const fused = direct == 0 && dw == 1 && cg == c && (runBytes & 7) == 0;
  const gathered = direct == 0 && dw == 1 && cg == c && (runBytes & 7) != 0;
  const kb = <usize>k;
  const kp = (k + 1) >> 1;
  const rowStride = <usize>dh * <usize>w * <usize>c;
  const vzp = i16x8.splat(<i16>zpx);
  // (image, row, column) of the first pixel of the block: divided out once, then stepped
  let pb = p0 / (oh * ow);
  let poy = (p0 - pb * oh * ow) / ow;
  let pox = p0 - (pb * oh + poy) * ow;
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
        let t0 = rowStride;
        let t1 = rowStride;
        let t2 = rowStride;
        let t3 = rowStride;
        if (nr == 4 && (fused || gathered)) {
          // pixel coordinates stepped, not divided out of p (i32 divisions cost more than gathering
          // a 5x5 window of one channel)
          let b1 = pb;
          let oy1 = poy;
          let ox1 = pox + 1;
          if (ox1 == ow) { ox1 = 0; if (++oy1 == oh) { oy1 = 0; b1++; } }
          let b2 = b1;
          let oy2 = oy1;
          let ox2 = ox1 + 1;
          if (ox2 == ow) { ox2 = 0; if (++oy2 == oh) { oy2 = 0; b2++; } }
          let b3 = b2;
          let oy3 = oy2;
          let ox3 = ox2 + 1;
          if (ox3 == ow) { ox3 = 0; if (++oy3 == oh) { oy3 = 0; b3++; } }
          s0 = interiorOrigin(pb, poy, pox, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, x);
          s1 = interiorOrigin(b1, oy1, ox1, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, x);
          s2 = interiorOrigin(b2, oy2, ox2, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, x);
          s3 = interiorOrigin(b3, oy3, ox3, h, w, c, c0, kh, kw, sh, sw, dh, padTop, padLeft, x);
          if (fused) {
            // Each pixel's window rows from x, or (an edge pixel) its gathered row: 4 sources, 4 strides.
            if (s0 == 0) {
              im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, pb, poy, pox, 1, rows);
              s0 = rows;
              t0 = runBytes;
            }
            if (s1 == 0) {
              im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, b1, oy1, ox1, 1, rows + kb);
              s1 = rows + kb;
              t1 = runBytes;
            }
            if (s2 == 0) {
              im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, b2, oy2, ox2, 1, rows + 2 * kb);
              s2 = rows + 2 * kb;
              t2 = runBytes;
            }
            if (s3 == 0) {
              im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, b3, oy3, ox3, 1, rows + 3 * kb);
              s3 = rows + 3 * kb;
              t3 = runBytes;
            }
          }
        }
        if (fused && nr == 4) {
          let q = d;
          for (let ky = 0; ky < kh; ky++) {
            for (let o: usize = 0; o < runBytes; o += 8) {
              storeCentredPairs4x4(q, s0 + o, s1 + o, s2 + o, s3 + o, vzp);
              q += 64;
            }
            s0 += t0;
            s1 += t1;
            s2 += t2;
            s3 += t3;
          }
        } else if (gathered && nr == 4) {
          // Filter rows shorter than a vector or not a multiple of 8 bytes (few channels): the 4
          // rows gathered (kh runs each for interior windows), then packed 8 k at a time.
          if (s0 != 0 && s1 != 0 && s2 != 0 && s3 != 0) {
            gatherWindow(rows, s0, kh, runBytes, rowStride);
            gatherWindow(rows + kb, s1, kh, runBytes, rowStride);
            gatherWindow(rows + 2 * kb, s2, kh, runBytes, rowStride);
            gatherWindow(rows + 3 * kb, s3, kh, runBytes, rowStride);
          } else {
            im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, pb, poy, pox, 4, rows);
          }
          packRows4(rows, kb, kp, vzp, d);
        } else {
          im2colPixels(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, p, nr, rows);
          pack_lhs_s8_4xk2_s16(nr, k, rows, <usize>k, zpx, d);
        }
        pox += 4;
        while (pox >= ow) {
          pox -= ow;
          if (++poy == oh) { poy = 0; pb++; }
        }
      }
    }
    gemm_s8s8_dot16(count, n, k, packed, wp, y + <usize>q0 * ldc, ldc, acc32, zp, lo, hi, ncBlock);
  }
}
