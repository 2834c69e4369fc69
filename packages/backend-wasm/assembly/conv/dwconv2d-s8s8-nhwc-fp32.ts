// Depthwise conv2d on NHWC int8 with a [kh, kw, c, multiplier] filter (tfjs): output channel
// o = ci * multiplier + m reads input channel ci. acc = bias[o] + sum((x - zpx) * (w - zpw[o])),
// exact in int32; then either stored (acc32 = 1) or requantized with the per-channel multiplier.
// Packed filter (cPad = cout rounded up to 8): [kh * kw][cPad] int16 (w - zpw) | bias[cPad] i32 |
// multiplier[cPad] f32.
import { narrow8, requantize4, vHigh, vLow, vMagic, vMagicZp } from '../common/requantize-fp32';
import { SCRATCH_ACC, storePartial } from '../common/layout';
import { tapHi, tapLo } from '../common/window';

export function dwconv2d_s8s8_nhwc_fp32(
  batch: i32, h: i32, w: i32, c: i32, mult: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  padTop: i32, padLeft: i32, oh: i32, ow: i32,
  x: usize, zpx: i32, wp: usize, y: usize, acc32: i32, zpy: i32, lo: i32, hi: i32,
): void {
  const cOut = c * mult;
  const cPad = (cOut + 7) & ~7;
  const biasP = wp + <usize>(kh * kw * cPad) * 2;
  const multP = biasP + <usize>cPad * 4;
  const outBytes: usize = acc32 != 0 ? 4 : 1;
  const vzp = i16x8.splat(<i16>zpx);
  const vlo = vLow(zpy, lo);
  const vhi = vHigh(zpy, hi);
  const vmagic = vMagic();
  const vmagicZp = vMagicZp(zpy);
  let yp = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * <usize>w * <usize>c;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const kyLo = tapLo(iy0, dh);
      const kyHi = tapHi(iy0, dh, kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - padLeft;
        const kxLo = tapLo(ix0, dw);
        const kxHi = tapHi(ix0, dw, kw, w);
        for (let o0 = 0; o0 < cOut; o0 += 8) {
          let acc0 = v128.load(biasP + <usize>o0 * 4);
          let acc1 = v128.load(biasP + <usize>o0 * 4, 16);
          if (mult == 1) {
            // Eight channels a step; a tail reads up to 7 bytes past the pixel (the heap leaves
            // 16 bytes of slack after every block), lanes that are never stored.
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = image + (<usize>(iy0 + ky * dh) * <usize>w) * <usize>c + <usize>o0;
              const wrow = wp + (<usize>(ky * kw) * <usize>cPad + <usize>o0) * 2;
              for (let kx = kxLo; kx < kxHi; kx++) {
                const xv = i16x8.sub(v128.load8x8_s(row + <usize>(ix0 + kx * dw) * <usize>c), vzp);
                const wv = v128.load(wrow + <usize>(kx * cPad) * 2);
                acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
                acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
              }
            }
          } else {
            // Channel multiplier > 1: lane j reads input channel (o0 + j) / mult, one lane at a time.
            v128.store(SCRATCH_ACC, i32x4.splat(0));
            v128.store(SCRATCH_ACC, i32x4.splat(0), 16);
            for (let j = 0; j < 8 && o0 + j < cOut; j++) {
              const o = o0 + j;
              const ci = o / mult;
              let acc = 0;
              for (let ky = kyLo; ky < kyHi; ky++) {
                const row = image + (<usize>(iy0 + ky * dh) * <usize>w) * <usize>c + <usize>ci;
                for (let kx = kxLo; kx < kxHi; kx++) {
                  const xq = <i32>load<i8>(row + <usize>(ix0 + kx * dw) * <usize>c) - zpx;
                  acc += xq * <i32>load<i16>(wp + (<usize>((ky * kw + kx) * cPad) + <usize>o) * 2);
                }
              }
              store<i32>(SCRATCH_ACC + <usize>j * 4, acc);
            }
            acc0 = i32x4.add(acc0, v128.load(SCRATCH_ACC));
            acc1 = i32x4.add(acc1, v128.load(SCRATCH_ACC, 16));
          }
          const nc = min(8, cOut - o0);
          if (acc32 != 0) {
            if (nc == 8) {
              v128.store(yp, acc0);
              v128.store(yp, acc1, 16);
            } else if (nc > 4) {
              v128.store(yp, acc0);
              storePartial(yp + 16, acc1, (nc - 4) * 4);
            } else {
              storePartial(yp, acc0, nc * 4);
            }
          } else {
            const m0 = v128.load(multP + <usize>o0 * 4);
            const m1 = v128.load(multP + <usize>o0 * 4, 16);
            const q = narrow8(requantize4(acc0, m0, vlo, vhi, vmagic, vmagicZp), requantize4(acc1, m1, vlo, vhi, vmagic, vmagicZp));
            if (nc == 8) v128.store64_lane(yp, q, 0);
            else storePartial(yp, q, nc);
          }
          yp += <usize>nc * outBytes;
        }
      }
    }
  }
}
