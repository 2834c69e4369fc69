// y = clamp(nearest(f32(x / scale)) + zp, lo, hi): ONNX QuantizeLinear (a true division, so ties
// land where x / scale says), round half to even, saturating; NaN gives lo.
import { narrow16, requantizeF4, vHigh, vLow, vMagic, vMagicZp } from '../common/requantize-fp32';
import { STAGE0, stagePartial, storePartial } from '../common/layout';

@inline function quantize16(x: usize, y: usize, n: i32, vs: v128, vlo: v128, vhi: v128, vmagic: v128, vmagicZp: v128): void {
  const q = narrow16(
    requantizeF4(f32x4.div(v128.load(x), vs), vlo, vhi, vmagic, vmagicZp),
    requantizeF4(f32x4.div(v128.load(x, 16), vs), vlo, vhi, vmagic, vmagicZp),
    requantizeF4(f32x4.div(v128.load(x, 32), vs), vlo, vhi, vmagic, vmagicZp),
    requantizeF4(f32x4.div(v128.load(x, 48), vs), vlo, vhi, vmagic, vmagicZp),
  );
  if (n == 16) v128.store(y, q);
  else storePartial(y, q, n);
}

export function quantize_f32_s8_fp32(n: i32, x: usize, y: usize, scale: f32, zp: i32, lo: i32, hi: i32): void {
  const vs = f32x4.splat(scale);
  const vlo = vLow(zp, lo);
  const vhi = vHigh(zp, hi);
  const vmagic = vMagic();
  const vmagicZp = vMagicZp(zp);
  let i = 0;
  for (; i + 16 <= n; i += 16) quantize16(x + <usize>i * 4, y + <usize>i, 16, vs, vlo, vhi, vmagic, vmagicZp);
  if (i < n) quantize16(stagePartial(STAGE0, x + <usize>i * 4, (n - i) * 4), y + <usize>i, n - i, vs, vlo, vhi, vmagic, vmagicZp);
}
