// im2col for conv2d on NHWC int8: one row of kh * kw * cg bytes per output pixel, in the order of an
// HWIO filter reshaped to [kh * kw * cg, cout]. The row takes channels [c0, c0 + cg) of pixels that
// hold c channels (a grouped conv's group; c0 = 0, cg = c otherwise). Taps outside the input hold the
// input's zero point, so after the zero point is removed at packing they add exactly nothing.
import { tapHi, tapLo } from '../common/window';

export function im2col_s8_nhwc(
  batch: i32, h: i32, w: i32, c: i32, c0: i32, cg: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, zp: i32, dst: usize,
): void {
  const pixel = <usize>c;
  const run = <usize>cg;
  let row = dst;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * <usize>w * pixel + <usize>c0;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const kyLo = tapLo(iy0, dh);
      const kyHi = tapHi(iy0, dh, kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - padLeft;
        const kxLo = tapLo(ix0, dw);
        const kxHi = tapHi(ix0, dw, kw, w);
        for (let ky = 0; ky < kh; ky++) {
          const src = image + <usize>(iy0 + ky * dh) * <usize>w * pixel;
          for (let kx = 0; kx < kw; kx++) {
            if (ky >= kyLo && ky < kyHi && kx >= kxLo && kx < kxHi) {
              memory.copy(row, src + <usize>(ix0 + kx * dw) * pixel, run);
            } else {
              memory.fill(row, <u8>zp, run);
            }
            row += run;
          }
        }
      }
    }
  }
}
