// A padded copy of NHWC int8 images, so every window of a conv lies inside its image (no edge
// pixels, no tap bounds): [batch, h, w, c] -> [batch, padTop + h + padBottom, padLeft + w + padRight, c].
//   widen = 0: int8 codes, the pads hold the input zero point (what im2col writes there);
//   widen = 1: int16 x - zp (the dot16 panels' centred values), the pads hold 0. A conv reads its
//              windows' K pairs straight from this copy (conv2d-s8s8-nhwc-idot16.ts).
// Either way a pad tap adds exactly nothing once the zero point is removed.
import { copyBytes, fillBytes } from './im2col-s8-nhwc';

/** n int8 at src as int16 (x - zp) at dst: 8 a step, the last step overlapping the one before (n >= 8). */
@inline function widenRun(dst: usize, src: usize, n: usize, vzp: v128, zp: i32): void {
  if (n < 8) {
    for (let i: usize = 0; i < n; i++) store<i16>(dst + 2 * i, <i16>(<i32>load<i8>(src + i) - zp));
    return;
  }
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) v128.store(dst + 2 * i, i16x8.sub(v128.load8x8_s(src + i), vzp));
  if (i < n) v128.store(dst + 2 * (n - 8), i16x8.sub(v128.load8x8_s(src + n - 8), vzp));
}

/** One image of pad_s8_nhwc: h rows of w * c codes at src -> (padTop + h + padBottom) padded rows at dst. */
@inline export function padImage(
  h: i32, w: i32, c: i32, padTop: i32, padBottom: i32, padLeft: i32, padRight: i32,
  src: usize, zp: i32, widen: i32, dst: usize,
): void {
  const elem: usize = widen != 0 ? 2 : 1;
  const fill = widen != 0 ? <u8>0 : <u8>zp;
  const vzp = i16x8.splat(<i16>zp);
  const run = <usize>w * <usize>c;
  const before = <usize>padLeft * <usize>c * elem;
  const after = <usize>padRight * <usize>c * elem;
  const rowBytes = before + run * elem + after;
  let d = dst;
  // The top and bottom pad rows are contiguous runs of whole rows.
  fillBytes(d, fill, <usize>padTop * rowBytes);
  d += <usize>padTop * rowBytes;
  for (let iy = 0; iy < h; iy++) {
    fillBytes(d, fill, before);
    if (widen != 0) widenRun(d + before, src, run, vzp, zp);
    else copyBytes(d + before, src, run);
    fillBytes(d + before + run * elem, fill, after);
    d += rowBytes;
    src += run;
  }
  fillBytes(d, fill, <usize>padBottom * rowBytes);
}

export function pad_s8_nhwc(
  batch: i32, h: i32, w: i32, c: i32, padTop: i32, padBottom: i32, padLeft: i32, padRight: i32,
  x: usize, zp: i32, widen: i32, dst: usize,
): void {
  const elem: usize = widen != 0 ? 2 : 1;
  const imageIn = <usize>h * <usize>w * <usize>c;
  const imageOut = <usize>(padTop + h + padBottom) * <usize>(padLeft + w + padRight) * <usize>c * elem;
  for (let b = 0; b < batch; b++) {
    padImage(h, w, c, padTop, padBottom, padLeft, padRight, x + <usize>b * imageIn, zp, widen, dst + <usize>b * imageOut);
  }
}
