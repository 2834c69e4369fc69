// fp32 requantization (docs/numerics.md): q = clamp(nearest(f32(acc) * m) + zp, lo, hi).
// The clamp runs in float on [lo - zp, hi - zp]; those bounds are integers, so clamping before
// rounding gives the same codes as rounding, then clamping (rounding is monotone and keeps integers).
// Adding 1.5 * 2^23 to a float in [-2^22, 2^22] rounds it to an integer, half to even (WebAssembly's
// only rounding mode: f32x4.nearest's), and puts that integer in the low mantissa bits, so
// subtracting the magic's bit pattern (minus zp) yields nearest + zp as an int32: no f32x4.nearest,
// no i32x4.trunc_sat fix-up sequence.

export const MAGIC: f32 = 12582912.0;
export const MAGIC_BITS: i32 = 0x4b400000;

/** Per-call constants of the requantization, splatted once per tile. */
@inline export function vLow(zp: i32, lo: i32): v128 {
  return f32x4.splat(<f32>(lo - zp));
}
@inline export function vHigh(zp: i32, hi: i32): v128 {
  return f32x4.splat(<f32>(hi - zp));
}
@inline export function vMagic(): v128 {
  return f32x4.splat(MAGIC);
}
@inline export function vMagicZp(zp: i32): v128 {
  return i32x4.splat(MAGIC_BITS - zp);
}

/** Four int32 accumulators to four int32 codes in [lo, hi] (round half to even). NaN gives lo. */
@inline export function requantize4(acc: v128, mult: v128, vlo: v128, vhi: v128, vmagic: v128, vmagicZp: v128): v128 {
  return requantizeF4(f32x4.mul(f32x4.convert_i32x4_s(acc), mult), vlo, vhi, vmagic, vmagicZp);
}

/** Four fp32 values (already scaled to output units) to int32 codes in [lo, hi]. */
@inline export function requantizeF4(v: v128, vlo: v128, vhi: v128, vmagic: v128, vmagicZp: v128): v128 {
  let r = f32x4.pmax(vlo, v); // vlo < v ? v : vlo, so NaN maps to vlo
  r = f32x4.pmin(vhi, r); // r < vhi ? r : vhi
  return i32x4.sub(f32x4.add(r, vmagic), vmagicZp); // the add rounds r
}

/** Eight int32 codes (already in int8 range) to eight int8 in the low half of a vector. */
@inline export function narrow8(q0: v128, q1: v128): v128 {
  const s = i16x8.narrow_i32x4_s(q0, q1);
  return i8x16.narrow_i16x8_s(s, s);
}

/** Sixteen int32 codes to sixteen int8. */
@inline export function narrow16(q0: v128, q1: v128, q2: v128, q3: v128): v128 {
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
}
