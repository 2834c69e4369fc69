// conv2d on NHWC int8 for the relaxed-dot GEMMs (rdot: 7-bit weights; rdot2: int8 weights as two
// 7-bit halves) without a materialized im2col: output pixels go in chunks of `mc` rows of A, sized by
// the caller so the chunk's packed k-quads stay in L1; each chunk is packed (raw x, the relaxed A
// layout of pack-lhs-s8-4xk4-rdot) and multiplied with every W panel (requantized in the driver's
// epilogue) before the next chunk is touched.
//
// A block of 4 output pixels is packed, where every window lies inside the image (no padding:
// src/relaxed/conv.ts passes a zero-point-padded copy of x) and:
//   - fused: where a filter row's taps are adjacent whole pixels (dilation 1 across, no channel
//     slice) and kw * cg is a multiple of 4, each window is kh runs of x whose k-quads never cross a
//     run: 16 bytes of each of the 4 runs are transposed straight into the panel;
//   - small: filter rows of a few bytes (run <= 8, not a multiple of 4, kh <= 6, k <= 32: a first
//     conv on 1-3 channels) are loaded as 8-byte words, two filter rows a vector, and swizzled into
//     the row's 16-k segments in registers;
//   - otherwise (padding, dilation across, a group's slice, longer few-byte rows, the last block's
//     1-3 pixels) the rows are gathered (im2colPixelsAt, padding = zpx) and packed by pack_lhs.
// Row corrections are summed from the packed block (each 16-byte step holds one quad of each row).
// `direct` = 1 (a 1x1, stride 1, unpadded conv) packs the chunk's rows straight from x, lda apart.
// The call computes output pixels [p0, p1) of the batch (p = (image * oh + oy) * ow + ox), so
// src/threads splits it by pixel ranges, each thread with its own `rows` (4 k + 16 bytes) and `packed`.
// The packed bytes are those pack_lhs_s8_4xk4_rdot makes of the im2col rows, so the numbers are the
// materialized path's exactly.
import { im2colPixelsAt } from '../conv/im2col-s8-nhwc';
import { storeTransposed4x4 } from '../common/transpose';
import { gemm_s8s7_rdot } from './gen/gemm-s8s7-rdot';
import { gemm_s8s8_rdot2 } from './gen2/gemm-s8s8-rdot2';
import { pack_lhs_s8_4xk4_rdot } from './pack-lhs-s8-4xk4-rdot';
import { storeTransposedQuads } from './quads';
import { loadPair, pairIndex, smallSegment, windowOrigin } from './window-rows';

const GENERAL = 0;
const FUSED = 1;
const SMALL = 2;

/**
 * corr[4] after the block's kq quads: corrScale times each row's sum (bytes 4r..4r+3 of every quad
 * step are row r's). Pair sums add up in int16 for up to 127 steps (|sum| <= 127 * 256), then widen.
 */
@inline function storeBlockCorrections(d: usize, kq: i32, corrScale: i32): void {
  let acc = i32x4.splat(0);
  for (let t0 = 0; t0 < kq; t0 += 127) {
    const t1 = min(kq, t0 + 127);
    let acc16 = i32x4.splat(0);
    for (let t = t0; t < t1; t++) acc16 = i16x8.add(acc16, i16x8.extadd_pairwise_i8x16_s(v128.load(d + <usize>t * 16)));
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(acc16));
  }
  v128.store(d + <usize>kq * 16, i32x4.mul(acc, i32x4.splat(corrScale)));
}

/** One segment of a small row whose filter rows are `stride` apart, loaded for it alone. */
@inline function smallRow(src: usize, stride: usize, kh: i32, i0: v128, i1: v128, i2: v128): v128 {
  return smallSegment(loadPair(src, stride, 0, kh), loadPair(src, stride, 1, kh), loadPair(src, stride, 2, kh), kh, i0, i1, i2, i32x4.splat(0));
}

/** Fused: kh runs of `run` bytes (a multiple of 4, `stride` apart) of each window, full 16-byte steps then a 4-12 byte tail. */
@inline function packRuns(d: usize, kh: i32, run: usize, s0: usize, s1: usize, s2: usize, s3: usize, stride: usize): void {
  const full = run & ~(<usize>15);
  const tail = <i32>(run & 15);
  for (let ky = 0; ky < kh; ky++) {
    for (let o: usize = 0; o < full; o += 16) {
      storeTransposed4x4(d, 16, v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o));
      d += 64;
    }
    // Only the tail's quads are stored, so the bytes loaded past the run (x, or the heap's slack) go nowhere.
    if (tail != 0) {
      storeTransposedQuads(d, tail >> 2, v128.load(s0 + full), v128.load(s1 + full), v128.load(s2 + full), v128.load(s3 + full));
      d += <usize>tail * 4;
    }
    s0 += stride;
    s1 += stride;
    s2 += stride;
    s3 += stride;
  }
}

/**
 * Packs output pixels [q0, q0 + count) (a chunk) into `packed`, block by block; i0x / i1x are the
 * small rows' swizzles of segment 0 and 1 (mode SMALL), `shared` says 4 side-by-side windows fit
 * the same 8-byte words (run + 3 * sw * c <= 8).
 */
function packWindows(
  q0: i32, count: i32, mode: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32, corrScale: i32, rows: usize, packed: usize,
  i00: v128, i01: v128, i02: v128, i10: v128, i11: v128, i12: v128, shared: bool,
): void {
  const k = kh * kw * cg;
  const kq = (k + 3) >> 2;
  const q1 = kq - 4; // quads of a small row's segment 1
  const blockBytes = <usize>kq * 16 + 16;
  const kb = <usize>k;
  const run = <usize>(kw * cg);
  const rowStride = <usize>dh * <usize>w * <usize>c;
  const step = <usize>sw * <usize>c; // bytes between side-by-side windows
  const v1 = i8x16.splat(<i8>step);
  const v2 = i8x16.splat(<i8>(2 * step));
  const v3 = i8x16.splat(<i8>(3 * step));
  const zero = i32x4.splat(0);
  // the first pixel's (image, row, column), then stepped
  const pixels = oh * ow;
  let b = q0 / pixels;
  let ox = q0 - b * pixels;
  let oy = ox / ow;
  ox -= oy * ow;
  for (let i = 0; i < count; i += 4) {
    const d = packed + <usize>(i >> 2) * blockBytes;
    const nr = min(4, count - i);
    if (nr == 4 && mode != GENERAL) {
      const s0 = windowOrigin(b, oy, ox, h, w, c, c0, sh, sw, oh, ow, x);
      // the 4 windows side by side in one output row (most blocks): step bytes apart
      const inRow = ox + 3 < ow;
      if (inRow && shared) {
        // one load of each filter row pair for the 4 windows; each row's swizzle moved by its offset
        const u0 = loadPair(s0, rowStride, 0, kh);
        const u1 = loadPair(s0, rowStride, 1, kh);
        const u2 = loadPair(s0, rowStride, 2, kh);
        storeTransposedQuads(d, min(4, kq), smallSegment(u0, u1, u2, kh, i00, i01, i02, zero), smallSegment(u0, u1, u2, kh, i00, i01, i02, v1),
          smallSegment(u0, u1, u2, kh, i00, i01, i02, v2), smallSegment(u0, u1, u2, kh, i00, i01, i02, v3));
        if (q1 > 0) {
          storeTransposedQuads(d + 64, q1, smallSegment(u0, u1, u2, kh, i10, i11, i12, zero), smallSegment(u0, u1, u2, kh, i10, i11, i12, v1),
            smallSegment(u0, u1, u2, kh, i10, i11, i12, v2), smallSegment(u0, u1, u2, kh, i10, i11, i12, v3));
        }
      } else {
        const s1 = inRow ? s0 + step : windowOrigin(b, oy, ox + 1, h, w, c, c0, sh, sw, oh, ow, x);
        const s2 = inRow ? s0 + 2 * step : windowOrigin(b, oy, ox + 2, h, w, c, c0, sh, sw, oh, ow, x);
        const s3 = inRow ? s0 + 3 * step : windowOrigin(b, oy, ox + 3, h, w, c, c0, sh, sw, oh, ow, x);
        if (mode == FUSED) {
          packRuns(d, kh, run, s0, s1, s2, s3, rowStride);
        } else {
          storeTransposedQuads(d, min(4, kq), smallRow(s0, rowStride, kh, i00, i01, i02), smallRow(s1, rowStride, kh, i00, i01, i02),
            smallRow(s2, rowStride, kh, i00, i01, i02), smallRow(s3, rowStride, kh, i00, i01, i02));
          if (q1 > 0) {
            storeTransposedQuads(d + 64, q1, smallRow(s0, rowStride, kh, i10, i11, i12), smallRow(s1, rowStride, kh, i10, i11, i12),
              smallRow(s2, rowStride, kh, i10, i11, i12), smallRow(s3, rowStride, kh, i10, i11, i12));
          }
        }
      }
      storeBlockCorrections(d, kq, corrScale);
    } else {
      im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, b, oy, ox, nr, rows);
      pack_lhs_s8_4xk4_rdot(nr, k, rows, kb, corrScale, d);
    }
    ox += nr;
    while (ox >= ow) {
      ox -= ow;
      if (++oy == oh) { oy = 0; b++; }
    }
  }
}

export function conv2d_s8s8_nhwc_rdot(
  p0: i32, p1: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32, direct: i32, lda: usize,
  n: i32, wp: usize, y: usize, ldc: usize, acc32: i32, zp: i32, lo: i32, hi: i32, ncBlock: i32,
  mc: i32, rows: usize, packed: usize, two: i32,
): void {
  const k = kh * kw * cg;
  const corrScale = two != 0 ? 1 : -64;
  const run = kw * cg;
  // every window inside the image: no padding before, none needed after
  const inside = padTop == 0 && padLeft == 0 && (oh - 1) * sh + (kh - 1) * dh < h && (ow - 1) * sw + kw - 1 < w;
  const adjacent = direct == 0 && inside && dw == 1 && cg == c;
  const mode = adjacent && (run & 3) == 0 ? FUSED
    : adjacent && run <= 8 && kh <= 6 && k <= 32 ? SMALL
    : GENERAL;
  // small rows: the swizzles of segment 0 (k 0-15) and 1 (k 16-31) from pairs 0, 1, 2
  const small = mode == SMALL;
  const i00 = small ? pairIndex(0, 0, k, run) : i32x4.splat(0);
  const i01 = small ? pairIndex(0, 1, k, run) : i32x4.splat(0);
  const i02 = small ? pairIndex(0, 2, k, run) : i32x4.splat(0);
  const i10 = small ? pairIndex(1, 0, k, run) : i32x4.splat(0);
  const i11 = small ? pairIndex(1, 1, k, run) : i32x4.splat(0);
  const i12 = small ? pairIndex(1, 2, k, run) : i32x4.splat(0);
  const shared = small && run + 3 * sw * c <= 8;
  for (let q0 = p0; q0 < p1; q0 += mc) {
    const count = min(mc, p1 - q0);
    if (direct != 0) {
      pack_lhs_s8_4xk4_rdot(count, k, x + <usize>c0 + <usize>q0 * lda, lda, corrScale, packed);
    } else {
      packWindows(q0, count, mode, h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zpx, corrScale, rows, packed,
        i00, i01, i02, i10, i11, i12, shared);
    }
    const c1 = y + <usize>q0 * ldc;
    if (two != 0) gemm_s8s8_rdot2(count, n, k, packed, wp, c1, ldc, acc32, zp, lo, hi, ncBlock);
    else gemm_s8s7_rdot(count, n, k, packed, wp, c1, ldc, acc32, zp, lo, hi, ncBlock);
  }
}
