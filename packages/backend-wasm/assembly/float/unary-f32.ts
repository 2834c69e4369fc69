// Elementwise float32 kernels built on exp4 (exp-f32x4.ts): exp, sigmoid, tanh. y may be x.
// Each is within 4 ulp or 1e-7 absolute (whichever is larger) of the float64 function rounded to
// float32 (docs/numerics.md); NaN gives NaN, and no denormal reaches an arithmetic instruction.
import { STAGE0, stagePartial, storePartial } from '../common/layout';
import { exp4, expm1Reduced, flushTiny, keepNaN, reduce, reduceN, scale2n } from './exp-f32x4';

const SMALL: f32 = 2.44140625e-4; // 2^-12: below it tanh(x) rounds to x

/** 1 / (1 + e^-x), from e = e^-|x| so nothing overflows: 1 / (1 + e) for x >= 0, e / (1 + e) below. */
@inline export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(f32x4.splat(1), e);
  const neg = f32x4.lt(x, f32x4.splat(0));
  return v128.bitselect(f32x4.div(e, d), f32x4.div(f32x4.splat(1), d), neg);
}

/**
 * tanh(x) = sign(x) m / (m + 2) with m = e^(2|x|) - 1 computed as expm1 (2^n (e^r - 1) + 2^n - 1),
 * so it keeps full relative accuracy near 0; |x| < 2^-12 gives x itself, |x| >= 10 gives +-1.
 */
@inline export function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const af = flushTiny(a); // before any arithmetic: a denormal x must not reach the add
  const y = f32x4.pmin(f32x4.splat(20), f32x4.add(af, af));
  const r = reduce(y);
  const n = reduceN(y);
  const one = f32x4.splat(1);
  const m = f32x4.add(scale2n(expm1Reduced(r), n), f32x4.sub(scale2n(one, n), one));
  let t = f32x4.div(m, f32x4.add(m, f32x4.splat(2)));
  t = v128.bitselect(a, t, f32x4.lt(a, f32x4.splat(SMALL)));
  const signed = v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
  return keepNaN(x, signed);
}

@inline function apply(op: i32, v: v128): v128 {
  if (op == 0) return exp4(v);
  if (op == 1) return sigmoid4(v);
  return tanh4(v);
}

/** op 0: exp, 1: sigmoid, 2: tanh, over n float32 at x into y. */
export function unary_f32(op: i32, n: i32, x: usize, y: usize): void {
  let i = 0;
  if (op == 0) for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), exp4(v128.load(x + (<usize>i << 2))));
  else if (op == 1) for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), sigmoid4(v128.load(x + (<usize>i << 2))));
  else for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), tanh4(v128.load(x + (<usize>i << 2))));
  if (i < n) {
    const bytes = (n - i) << 2;
    const o = <usize>i << 2;
    storePartial(y + o, apply(op, v128.load(stagePartial(STAGE0, x + o, bytes))), bytes);
  }
}
