// int8 add and mul with numpy broadcasting (src/ops/broadcast.ts folds the shapes), fp32 requantized:
//   add (op 0): v = f32(f32(f32(a - zpA) * mA) + f32(f32(b - zpB) * mB)), mA = f32(sA / sY), mB = f32(sB / sY)
//   mul (op 1): v = f32(f32((a - zpA) * (b - zpB)) * mA), mA = f32(sA * sB / sY) (mB unused)
// then y = clamp(nearest(v) + zpY, lo, hi) (@qatjs/ir's addQuantized / requantize, docs/numerics.md).
import { narrow8, requantizeF4, vHigh, vLow, vMagic, vMagicZp } from '../common/requantize-fp32';
import { STAGE0, STAGE1, stagePartial, storePartial } from '../common/layout';

@inline function load8(p: usize, stride: usize): v128 {
  return stride == 0 ? i16x8.splat(<i16>load<i8>(p)) : v128.load8x8_s(p);
}

@inline function combine4(op: i32, a: v128, b: v128, vzpA: v128, vmA: v128, vzpB: v128, vmB: v128): v128 {
  const ca = i32x4.sub(a, vzpA);
  const cb = i32x4.sub(b, vzpB);
  if (op == 0) return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(ca), vmA), f32x4.mul(f32x4.convert_i32x4_s(cb), vmB));
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.mul(ca, cb)), vmA);
}

@inline function eight(
  op: i32, a16: v128, b16: v128, y: usize, n: i32,
  vzpA: v128, vmA: v128, vzpB: v128, vmB: v128, vlo: v128, vhi: v128, vmagic: v128, vmagicZp: v128,
): void {
  const lo = combine4(op, i32x4.extend_low_i16x8_s(a16), i32x4.extend_low_i16x8_s(b16), vzpA, vmA, vzpB, vmB);
  const hi = combine4(op, i32x4.extend_high_i16x8_s(a16), i32x4.extend_high_i16x8_s(b16), vzpA, vmA, vzpB, vmB);
  const q = narrow8(requantizeF4(lo, vlo, vhi, vmagic, vmagicZp), requantizeF4(hi, vlo, vhi, vmagic, vmagicZp));
  if (n == 8) v128.store64_lane(y, q, 0);
  else storePartial(y, q, n);
}

/**
 * y[i0][i1][i2][j] = a[i0 a0 + i1 a1 + i2 a2 + j sa] op b[...] (byte strides; sa, sb are 1 for a
 * contiguous run, 0 for one value broadcast), i0 < d0, i1 < d1, i2 < d2, j < n; y contiguous.
 */
export function binary_s8s8_fp32(
  op: i32, d0: i32, d1: i32, d2: i32, n: i32,
  a: usize, a0: usize, a1: usize, a2: usize, sa: usize,
  b: usize, b0: usize, b1: usize, b2: usize, sb: usize, y: usize,
  zpA: i32, mA: f32, zpB: i32, mB: f32, zpY: i32, lo: i32, hi: i32,
): void {
  const vzpA = i32x4.splat(zpA);
  const vmA = f32x4.splat(mA);
  const vzpB = i32x4.splat(zpB);
  const vmB = f32x4.splat(mB);
  const vlo = vLow(zpY, lo);
  const vhi = vHigh(zpY, hi);
  const vmagic = vMagic();
  const vmagicZp = vMagicZp(zpY);
  let yp = y;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const ap = a + <usize>i0 * a0 + <usize>i1 * a1 + <usize>i2 * a2;
        const bp = b + <usize>i0 * b0 + <usize>i1 * b1 + <usize>i2 * b2;
        let i = 0;
        for (; i + 8 <= n; i += 8) {
          const o = <usize>i;
          const a16 = load8(ap + o * sa, sa);
          const b16 = load8(bp + o * sb, sb);
          if (op == 0) eight(0, a16, b16, yp + o, 8, vzpA, vmA, vzpB, vmB, vlo, vhi, vmagic, vmagicZp);
          else eight(1, a16, b16, yp + o, 8, vzpA, vmA, vzpB, vmB, vlo, vhi, vmagic, vmagicZp);
        }
        if (i < n) {
          const o = <usize>i;
          const a16 = sa == 0 ? load8(ap, 0) : v128.load8x8_s(stagePartial(STAGE0, ap + o, n - i));
          const b16 = sb == 0 ? load8(bp, 0) : v128.load8x8_s(stagePartial(STAGE1, bp + o, n - i));
          eight(op, a16, b16, yp + o, n - i, vzpA, vmA, vzpB, vmB, vlo, vhi, vmagic, vmagicZp);
        }
        yp += <usize>n;
      }
    }
  }
}
