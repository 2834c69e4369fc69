// y = clamp(nearest(f32(f32(a - zpA) * mA) + f32(f32(b - zpB) * mB)) + zpY, lo, hi), with
// mA = f32(sA / sY) and mB = f32(sB / sY): both inputs rescaled to the output's scale, then added.
import { narrow8, requantizeF4, vHigh, vLow, vMagic, vMagicZp } from '../common/requantize-fp32';
import { STAGE0, STAGE1, stagePartial, storePartial } from '../common/layout';

@inline function rescale4(x: v128, vzp: v128, vm: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(x, vzp)), vm);
}

@inline function add8(
  a: usize, b: usize, y: usize, n: i32,
  vzpA: v128, vmA: v128, vzpB: v128, vmB: v128, vlo: v128, vhi: v128, vmagic: v128, vmagicZp: v128,
): void {
  const a16 = v128.load8x8_s(a);
  const b16 = v128.load8x8_s(b);
  const lo = f32x4.add(rescale4(i32x4.extend_low_i16x8_s(a16), vzpA, vmA), rescale4(i32x4.extend_low_i16x8_s(b16), vzpB, vmB));
  const hi = f32x4.add(rescale4(i32x4.extend_high_i16x8_s(a16), vzpA, vmA), rescale4(i32x4.extend_high_i16x8_s(b16), vzpB, vmB));
  const q = narrow8(requantizeF4(lo, vlo, vhi, vmagic, vmagicZp), requantizeF4(hi, vlo, vhi, vmagic, vmagicZp));
  if (n == 8) v128.store64_lane(y, q, 0);
  else storePartial(y, q, n);
}

export function add_s8s8_fp32(
  n: i32, a: usize, b: usize, y: usize,
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
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i;
    add8(a + o, b + o, y + o, 8, vzpA, vmA, vzpB, vmB, vlo, vhi, vmagic, vmagicZp);
  }
  if (i < n) {
    const o = <usize>i;
    add8(stagePartial(STAGE0, a + o, n - i), stagePartial(STAGE1, b + o, n - i), y + o, n - i, vzpA, vmA, vzpB, vmB, vlo, vhi, vmagic, vmagicZp);
  }
}
