// Max pool on NHWC int8 over the window's taps inside the input (padding never wins), then
// clamped to [lo, hi] (a fused ReLU). Output keeps the input's scale and zero point.
import { storePartial } from '../common/layout';
import { tapHi, tapLo } from '../common/window';

export function maxpool2d_s8_nhwc(
  batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32, x: usize, y: usize, lo: i32, hi: i32,
): void {
  const vlo = i8x16.splat(<i8>lo);
  const vhi = i8x16.splat(<i8>hi);
  let yp = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * <usize>w * <usize>c;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const kyLo = tapLo(iy0, 1);
      const kyHi = tapHi(iy0, 1, kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - padLeft;
        const kxLo = tapLo(ix0, 1);
        const kxHi = tapHi(ix0, 1, kw, w);
        // Sixteen channels a step; a tail reads up to 15 bytes past the pixel (heap slack).
        for (let c0 = 0; c0 < c; c0 += 16) {
          let v = i8x16.splat(-128);
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = image + <usize>(iy0 + ky) * <usize>w * <usize>c + <usize>c0;
            for (let kx = kxLo; kx < kxHi; kx++) v = i8x16.max_s(v, v128.load(row + <usize>(ix0 + kx) * <usize>c));
          }
          v = i8x16.min_s(i8x16.max_s(v, vlo), vhi);
          const nc = min(16, c - c0);
          if (nc == 16) v128.store(yp, v);
          else storePartial(yp, v, nc);
          yp += <usize>nc;
        }
      }
    }
  }
}
