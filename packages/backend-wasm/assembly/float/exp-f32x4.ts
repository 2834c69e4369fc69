// e^x on four float32 lanes (Cephes expf): x = n ln2 + r, |r| <= ln2 / 2, n = nearest(x log2 e);
// e^r - 1 = r + r^2 P(r) (degree-5 minimax P), e^x = 2^n (1 + that). Within 2 ulp of the float64 exp
// rounded to float32 (docs/numerics.md has the 4 ulp / 1e-7 contract the tests check).
// No denormal ever reaches an arithmetic instruction or the output: |x| < 2^-30 is taken as 0 (e^x
// rounds to 1 there), and inputs below -87.33 give 0 (flushed; the true value is below 1.2e-38, and
// above -87.33 the reduced r is positive whenever n = -126, so 2^n (1 + q) stays a normal float32).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** Above this e^x overflows float32 (to +Infinity). */
export const EXP_HI: f32 = 88.72283935546875;
/** Below this e^x is within 1e-40 of the smallest normal float32 or under it (flushed to 0). */
export const EXP_LO: f32 = -87.33;
const TINY: f32 = 9.313225746154785e-10; // 2^-30

/** e^r - 1 for |r| <= ln2 / 2 (relative error ~1 ulp, also for tiny r). */
@inline export function expm1Reduced(r: v128): v128 {
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r);
}

/** x with |x| < 2^-30 (and -0) replaced by +0: keeps denormals out of the polynomial. */
@inline export function flushTiny(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(TINY)));
}

/** The reduction of x (already in [EXP_LO, EXP_HI]): n as int32 lanes and r = x - n ln2. */
@inline export function reduce(x: v128): v128 {
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  return f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
}

@inline export function reduceN(x: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E))));
}

/** m * 2^n for int32 lanes n in [-126, 128]: 2^n built as 2^(n - 1) * 2 when n > 0 (2^128 is not a float32). */
@inline export function scale2n(m: v128, n: v128): v128 {
  const pos = i32x4.gt_s(n, i32x4.splat(0));
  const e = i32x4.add(n, pos); // pos lanes are -1
  const p2 = i32x4.shl(i32x4.add(e, i32x4.splat(127)), 23);
  const two = v128.bitselect(f32x4.splat(2), f32x4.splat(1), pos);
  return f32x4.mul(f32x4.mul(m, p2), two);
}

/** e^x, NaN stays NaN, +Inf / overflow give +Inf, -Inf / underflow give 0. */
@inline export function exp4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.splat(EXP_HI), f32x4.pmax(f32x4.splat(EXP_LO), flushTiny(x)));
  const r = reduce(xc);
  const y = scale2n(f32x4.add(expm1Reduced(r), f32x4.splat(1)), reduceN(xc));
  const over = f32x4.gt(x, f32x4.splat(EXP_HI));
  const under = f32x4.lt(x, f32x4.splat(EXP_LO));
  const r4 = v128.andnot(v128.bitselect(f32x4.splat(Infinity), y, over), under);
  return keepNaN(x, r4);
}

/** r, except x in the lanes where x is NaN. */
@inline export function keepNaN(x: v128, r: v128): v128 {
  return v128.bitselect(x, r, f32x4.ne(x, x));
}
