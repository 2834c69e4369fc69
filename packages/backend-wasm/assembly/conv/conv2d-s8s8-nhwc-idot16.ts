// conv2d on NHWC int8 as an indirect dot16 GEMM: no im2col, no packing of A. Each image is first
// copied as int16 x - zp with zero pads (pad-s8-nhwc.ts's padImage) into the caller's buffer, so
// every window lies inside its image and a window's filter row is one run of kw * c int16 values.
// The copy is made image by image, when the pixels reach it, into one of four slots (a block of 4
// pixels spans up to 4 images when a conv gives 1 or 2 pixels an image): it stays in L1/L2 while the pixels read it, and each thread of a
// split conv copies the images of its own pixels into its own buffer (a boundary image twice, never a
// shared write). The microkernel
// (conv/gen/conv-s16s8-<MR>x8c2-idot16) reads each of its 4 output pixels' K pairs in place, one
// broadcast load a row and K step as the dot16 GEMM does from a packed block; 4 neighbouring windows
// overlap, so they stay in L1 across the W panels of the block.
// K pairs must not straddle two filter rows: W is packed over kh runs of rowSteps = ceil(kw * c / 2)
// pairs, so an odd kw * c (1 or 3 channels) has a zero weight after each run (src/ops/conv2d.ts packs
// it); its tap reads the next int16 of the copy (up to 2 bytes past the last window), adding 0.
// The call computes output pixels [p0, p1) (pixel p = (image * oh + oy) * ow + ox), as the packing
// driver does, so src/threads splits it the same way; it keeps nothing in memory but C.
// The accumulators are the gathered path's exactly (integer sums; the zero taps add 0).
import { padImage } from './pad-s8-nhwc';
import {
  conv_s16s8_1x8c2_idot16_acc32, conv_s16s8_1x8c2_idot16_fp32, conv_s16s8_2x8c2_idot16_acc32, conv_s16s8_2x8c2_idot16_fp32,
  conv_s16s8_3x8c2_idot16_acc32, conv_s16s8_3x8c2_idot16_fp32, conv_s16s8_4x8c2_idot16_acc32, conv_s16s8_4x8c2_idot16_fp32,
} from './gen/index';

@inline function tile(
  mr: i32, kh: i32, rowSteps: i32, rowJump: usize, x0: usize, x1: usize, x2: usize, x3: usize,
  w: usize, c: usize, ldc: usize, nc: i32, acc32: i32, zp: i32, lo: i32, hi: i32,
): void {
  if (acc32 != 0) {
    if (mr == 4) conv_s16s8_4x8c2_idot16_acc32(kh, rowSteps, rowJump, x0, x1, x2, x3, w, c, ldc, nc);
    else if (mr == 3) conv_s16s8_3x8c2_idot16_acc32(kh, rowSteps, rowJump, x0, x1, x2, w, c, ldc, nc);
    else if (mr == 2) conv_s16s8_2x8c2_idot16_acc32(kh, rowSteps, rowJump, x0, x1, w, c, ldc, nc);
    else conv_s16s8_1x8c2_idot16_acc32(kh, rowSteps, rowJump, x0, w, c, ldc, nc);
  } else {
    if (mr == 4) conv_s16s8_4x8c2_idot16_fp32(kh, rowSteps, rowJump, x0, x1, x2, x3, w, c, ldc, nc, zp, lo, hi);
    else if (mr == 3) conv_s16s8_3x8c2_idot16_fp32(kh, rowSteps, rowJump, x0, x1, x2, w, c, ldc, nc, zp, lo, hi);
    else if (mr == 2) conv_s16s8_2x8c2_idot16_fp32(kh, rowSteps, rowJump, x0, x1, w, c, ldc, nc, zp, lo, hi);
    else conv_s16s8_1x8c2_idot16_fp32(kh, rowSteps, rowJump, x0, w, c, ldc, nc, zp, lo, hi);
  }
}

/**
 * The address of image b's padded copy: one of buf's four slots (after a 16-byte header naming the
 * image each holds), written first unless the slot holds it already.
 */
@inline function paddedImage(
  b: i32, buf: usize, imageBytes: usize, h: i32, w: i32, c: i32, padTop: i32, padBottom: i32, padLeft: i32, padRight: i32,
  x: usize, zpx: i32,
): usize {
  const slot = <usize>(b & 3);
  const base = buf + 16 + slot * imageBytes;
  if (load<i32>(buf + slot * 4) != b) {
    padImage(h, w, c, padTop, padBottom, padLeft, padRight, x + <usize>b * <usize>h * <usize>w * <usize>c, zpx, 1, base);
    store<i32>(buf + slot * 4, b);
  }
  return base;
}

/**
 * Output pixels [p0, p1) of a conv over x (int8 NHWC, zero point zpx; padTop, padLeft as the window
 * geometry's). `wpk`: W panels packed over K = kh * 2 * ceil(kw * c / 2). ldc in bytes. `buf`:
 * 16 + 4 * hp * wp * c * 2 + 16 bytes of this thread's own, hp and wp the padded copy's size below.
 */
export function conv2d_s8s8_nhwc_idot16(
  p0: i32, p1: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zpx: i32,
  n: i32, wpk: usize, y: usize, ldc: usize, acc32: i32, zp: i32, lo: i32, hi: i32, buf: usize,
): void {
  // The copy reaches as far as the last window (rows and columns of x past it are copied too).
  const padBottom = max(0, (oh - 1) * sh + (kh - 1) * dh + 1 - padTop - h);
  const padRight = max(0, (ow - 1) * sw + kw - padLeft - w);
  const wp = padLeft + w + padRight;
  const pixel = <usize>c * 2;
  const rowSteps = (kw * c + 1) >> 1;
  // From the end of a window's filter row to the start of its next (wraps when negative: an odd
  // kw * c whose window is as wide as the padded row; the addresses are still right mod 2^32).
  const rowJump = <usize>dh * <usize>wp * pixel - <usize>rowSteps * 4;
  const panelBytes: usize = 64 + <usize>(kh * rowSteps) * 32;
  const elemBytes: usize = acc32 != 0 ? 4 : 1;
  const colStep = <usize>sw * pixel;
  const rowStep = <usize>sh * <usize>wp * pixel;
  const imageBytes = <usize>(padTop + h + padBottom) * <usize>wp * pixel;
  v128.store(buf, i32x4.splat(-1)); // no image in any slot yet
  // (image, row, column) of the next pixel: divided out once, then stepped
  let b = p0 / (oh * ow);
  let oy = (p0 - b * oh * ow) / ow;
  let ox = p0 - (b * oh + oy) * ow;
  let rowBase = paddedImage(b, buf, imageBytes, h, w, c, padTop, padBottom, padLeft, padRight, x, zpx) + <usize>oy * rowStep;
  // The next pixel starts a new image: copied when that pixel is reached, not before (the copy may
  // take the slot of an image the current block still reads).
  let nextImage = false;
  for (let p = p0; p < p1; p += 4) {
    const nr = min(4, p1 - p);
    let x0: usize = 0;
    let x1: usize = 0;
    let x2: usize = 0;
    let x3: usize = 0;
    for (let r = 0; r < nr; r++) {
      if (nextImage) {
        rowBase = paddedImage(++b, buf, imageBytes, h, w, c, padTop, padBottom, padLeft, padRight, x, zpx);
        nextImage = false;
      }
      const o = rowBase + <usize>ox * colStep;
      if (r == 0) x0 = o;
      else if (r == 1) x1 = o;
      else if (r == 2) x2 = o;
      else x3 = o;
      if (++ox == ow) {
        ox = 0;
        rowBase += rowStep;
        if (++oy == oh) {
          oy = 0;
          nextImage = true;
        }
      }
    }
    const cRow = y + <usize>p * ldc;
    for (let j = 0; j < n; j += 8) {
      tile(nr, kh, rowSteps, rowJump, x0, x1, x2, x3, wpk + <usize>(j >> 3) * panelBytes, cRow + <usize>j * elemBytes, ldc, min(8, n - j), acc32, zp, lo, hi);
    }
  }
}
