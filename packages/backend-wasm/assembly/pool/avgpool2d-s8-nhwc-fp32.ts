// Average pool on NHWC int8 over the taps inside the input (count excludes padding, as tfjs):
// S = sum(x - zpx) exact in int32, avg = f32(f32(S) / count), then
// y = clamp(nearest(f32(avg * m)) + zpy, lo, hi) with m = f32(sx / sy). When m is 1 this is S / count
// rounded half to even exactly (f32 division is correctly rounded and S / count is far from the
// f32 grid's gaps), e.g. an average of 2.5 gives 2 and 3.5 gives 4.
import { narrow8, requantizeF4, vHigh, vLow, vMagic, vMagicZp } from '../common/requantize-fp32';
import { storePartial } from '../common/layout';
import { tapHi, tapLo } from '../common/window';

export function avgpool2d_s8_nhwc_fp32(
  batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32,
  x: usize, zpx: i32, m: f32, y: usize, zpy: i32, lo: i32, hi: i32,
): void {
  const vm = f32x4.splat(m);
  const vlo = vLow(zpy, lo);
  const vhi = vHigh(zpy, hi);
  const vmagic = vMagic();
  const vmagicZp = vMagicZp(zpy);
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
        const count = (kyHi - kyLo) * (kxHi - kxLo);
        const vcount = f32x4.splat(<f32>count);
        const vzpSum = i32x4.splat(count * zpx);
        // Eight channels a step; a tail reads up to 7 bytes past the pixel (heap slack).
        for (let c0 = 0; c0 < c; c0 += 8) {
          let s0 = i32x4.splat(0);
          let s1 = i32x4.splat(0);
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = image + <usize>(iy0 + ky) * <usize>w * <usize>c + <usize>c0;
            for (let kx = kxLo; kx < kxHi; kx++) {
              const x16 = v128.load8x8_s(row + <usize>(ix0 + kx) * <usize>c);
              s0 = i32x4.add(s0, i32x4.extend_low_i16x8_s(x16));
              s1 = i32x4.add(s1, i32x4.extend_high_i16x8_s(x16));
            }
          }
          const a0 = f32x4.div(f32x4.convert_i32x4_s(i32x4.sub(s0, vzpSum)), vcount);
          const a1 = f32x4.div(f32x4.convert_i32x4_s(i32x4.sub(s1, vzpSum)), vcount);
          const q = narrow8(
            requantizeF4(f32x4.mul(a0, vm), vlo, vhi, vmagic, vmagicZp),
            requantizeF4(f32x4.mul(a1, vm), vlo, vhi, vmagic, vmagicZp),
          );
          const nc = min(8, c - c0);
          if (nc == 8) v128.store64_lane(yp, q, 0);
          else storePartial(yp, q, nc);
          yp += <usize>nc;
        }
      }
    }
  }
}
