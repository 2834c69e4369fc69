// im2col for conv2d on NHWC int8: one row of kh * kw * cg bytes per output pixel, in the order of an
// HWIO filter reshaped to [kh * kw * cg, cout]. The row takes channels [c0, c0 + cg) of pixels that
// hold c channels (a grouped conv's group; c0 = 0, cg = c otherwise). Taps outside the input hold the
// input's zero point, so after the zero point is removed at packing they add exactly nothing.
//
// Copies are a few bytes to a few hundred (cg bytes a tap; kw * cg for a whole filter row when the
// taps are adjacent): memory.copy / memory.fill cost a runtime call each in V8, so runs up to 512
// bytes move in 16-byte vectors (the last one overlapping the one before: never outside the run),
// short ones in 8-, 4- and 2-byte words. (memory.copy for every run of 64 bytes and more took 15-20% of
// a batch-64 CNN run; a 5x5 conv on one channel went from 30 ms to a few ms per 64 images with words.)
import { tapHi, tapLo } from '../common/window';

@inline export function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n >= 16) {
    if (n > 512) {
      memory.copy(dst, src, n);
      return;
    }
    for (let i: usize = 0; i + 16 <= n; i += 16) v128.store(dst + i, v128.load(src + i));
    v128.store(dst + n - 16, v128.load(src + n - 16));
  } else if (n >= 8) {
    store<u64>(dst, load<u64>(src));
    store<u64>(dst + n - 8, load<u64>(src + n - 8));
  } else if (n >= 4) {
    store<u32>(dst, load<u32>(src));
    store<u32>(dst + n - 4, load<u32>(src + n - 4));
  } else if (n >= 2) {
    store<u16>(dst, load<u16>(src));
    store<u16>(dst + n - 2, load<u16>(src + n - 2));
  } else if (n == 1) {
    store<u8>(dst, load<u8>(src));
  }
}

@inline export function fillBytes(dst: usize, v: u8, n: usize): void {
  if (n > 512) {
    memory.fill(dst, v, n);
    return;
  }
  let i: usize = 0;
  if (n >= 16) {
    const v16 = i8x16.splat(<i8>v);
    for (; i + 16 <= n; i += 16) v128.store(dst + i, v16);
    v128.store(dst + n - 16, v16);
    return;
  }
  const v8 = <u64>v * 0x0101010101010101;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, v8);
  for (; i < n; i++) store<u8>(dst + i, v);
}

/**
 * The im2col rows of output pixels [p0, p0 + count) (pixel p = (b * oh + oy) * ow + ox), written
 * one after the other from `dst`: the fused conv driver gathers an L1-sized chunk at a time.
 */
export function im2colPixels(
  h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zp: i32, p0: i32, count: i32, dst: usize,
): void {
  const b = p0 / (oh * ow);
  const oy = (p0 - b * oh * ow) / ow;
  im2colPixelsAt(h, w, c, c0, cg, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, x, zp, b, oy, p0 - (b * oh + oy) * ow, count, dst);
}

/** im2colPixels from the first pixel's (image, row, column): no division. */
export function im2colPixelsAt(
  h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zp: i32, b: i32, oy: i32, ox: i32, count: i32, dst: usize,
): void {
  const pixel = <usize>c;
  const run = <usize>cg;
  const fill = <u8>zp;
  // Taps of one filter row are adjacent in memory when they step one whole pixel.
  const adjacent = dw == 1 && run == pixel;
  const rowBytes = <usize>kw * run;
  const imageBytes = <usize>h * <usize>w * pixel;
  let row = dst;
  let image = x + <usize>b * imageBytes + <usize>c0;
  let iy0 = oy * sh - padTop;
  let kyLo = tapLo(iy0, dh);
  let kyHi = tapHi(iy0, dh, kh, h);
  for (let p = 0; p < count; p++) {
    if (ox == ow) {
      ox = 0;
      if (++oy == oh) {
        oy = 0;
        image += imageBytes;
      }
      iy0 = oy * sh - padTop;
      kyLo = tapLo(iy0, dh);
      kyHi = tapHi(iy0, dh, kh, h);
    }
    const ix0 = ox * sw - padLeft;
    ox++;
    const kxLo = min(tapLo(ix0, dw), kw); // padding wider than the filter: no tap inside
    const kxHi = max(kxLo, tapHi(ix0, dw, kw, w));
    if (adjacent && kxLo == 0 && kxHi == kw && kyLo == 0 && kyHi >= kh) {
      // the whole window inside the image (most pixels): kh row copies, no padding
      let src = image + <usize>iy0 * <usize>w * pixel + <usize>ix0 * pixel;
      const rowStride = <usize>dh * <usize>w * pixel;
      for (let ky = 0; ky < kh; ky++) {
        copyBytes(row, src, rowBytes);
        row += rowBytes;
        src += rowStride;
      }
      continue;
    }
    for (let ky = 0; ky < kh; ky++) {
      if (ky < kyLo || ky >= kyHi) {
        fillBytes(row, fill, rowBytes);
        row += rowBytes;
        continue;
      }
      const src = image + <usize>(iy0 + ky * dh) * <usize>w * pixel;
      if (adjacent) {
        const before = <usize>kxLo * run;
        const inside = <usize>(kxHi - kxLo) * run;
        fillBytes(row, fill, before);
        copyBytes(row + before, src + <usize>(ix0 + kxLo) * pixel, inside);
        fillBytes(row + before + inside, fill, rowBytes - before - inside);
        row += rowBytes;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        if (kx >= kxLo && kx < kxHi) copyBytes(row, src + <usize>(ix0 + kx * dw) * pixel, run);
        else fillBytes(row, fill, run);
        row += run;
      }
    }
  }
}
