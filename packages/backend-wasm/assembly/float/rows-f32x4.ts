// Row-wise float32 kernels of the transformer ops (layerNorm, softmax) and GELU, f32x4, between a
// dequantize and a quantize. Their references (@qatjs/ir, reference/ops) are float64 rounded once;
// these stay within FLOAT_REDUCTION_TOLERANCE (layerNorm, softmax: |y - ref| <= 1e-5 (1 + |ref|)) and
// FLOAT_KERNEL_TOLERANCE (gelu: 4 ulp or 1e-7 absolute), which the tests check on every runtime.
// Sums are kept in float64 lanes (f64x2): a row is short (d_model, the sequence) and the sums are
// what a float32 kernel would lose most on. No denormal reaches an arithmetic instruction in exp4.
import { exp4 } from './exp-f32x4';

@inline function f64lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function f64hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

@inline function hsum64(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/**
 * layerNorm over rows of d float32 at x: y = (x - mean) / sqrt(var + eps) * gamma + beta, mean and
 * the biased variance over the row. The mean is summed in float64 and kept as a float32 pair
 * (hi + lo), so x - mean stays accurate when the row's mean is large against its spread; the
 * variance is summed in float64 from those differences. y may be x.
 */
export function layer_norm_f32x4(rows: i32, d: i32, x: usize, gamma: usize, beta: usize, eps: f64, y: usize): void {
  const d4 = d & ~3;
  const rowBytes = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let j = 0;
    for (; j < d4; j += 4) {
      const v = v128.load(xr + (<usize>j << 2));
      a0 = f64x2.add(a0, f64lo(v));
      a1 = f64x2.add(a1, f64hi(v));
    }
    let sum = hsum64(a0, a1);
    for (; j < d; j++) sum += <f64>load<f32>(xr + (<usize>j << 2));
    const mean = sum / <f64>d;
    const mhi = <f32>mean;
    const mlo = <f32>(mean - <f64>mhi);
    const vhi = f32x4.splat(mhi);
    const vlo = f32x4.splat(mlo);
    a0 = f64x2.splat(0);
    a1 = f64x2.splat(0);
    for (j = 0; j < d4; j += 4) {
      const c = f32x4.sub(f32x4.sub(v128.load(xr + (<usize>j << 2)), vhi), vlo);
      const c0 = f64lo(c);
      const c1 = f64hi(c);
      a0 = f64x2.add(a0, f64x2.mul(c0, c0));
      a1 = f64x2.add(a1, f64x2.mul(c1, c1));
    }
    let ss = hsum64(a0, a1);
    for (; j < d; j++) {
      const c = <f64>(load<f32>(xr + (<usize>j << 2)) - mhi - mlo);
      ss += c * c;
    }
    const rstd = <f32>(1 / Math.sqrt(ss / <f64>d + eps));
    const vr = f32x4.splat(rstd);
    for (j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const c = f32x4.sub(f32x4.sub(v128.load(xr + o), vhi), vlo);
      v128.store(yr + o, f32x4.add(f32x4.mul(f32x4.mul(c, vr), v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const c = load<f32>(xr + o) - mhi - mlo;
      store<f32>(yr + o, c * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

/** Lanes 0..n-1 of the vector at p (n in 1..3), the others -Infinity; reads only n floats. */
@inline function loadTail(p: usize, n: i32): v128 {
  let v = f32x4.splat(-Infinity);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

@inline function storeTail(p: usize, v: v128, n: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * softmax over rows of s float32 at x (rows of the last two axes [t, s] repeat): per row, over its
 * visible columns (all, or with causal the first min(s, i + s - t + 1) of row i = r mod t),
 * y = exp(scale (x - max x)) / sum; the other columns are 0. scale > 0, so max(scale x) = scale max x
 * and the exponent is computed from the difference, exact to one rounding. y may be x.
 */
export function softmax_f32x4(rows: i32, t: i32, s: i32, scale: f32, causal: i32, x: usize, y: usize): void {
  const rowBytes = <usize>s << 2;
  const vs = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let visible = s;
    if (causal) {
      const v = (r % t) + s - t + 1;
      if (v < visible) visible = v;
      if (visible < 0) visible = 0;
    }
    const n4 = visible & ~3;
    const rest = visible - n4;
    let j = 0;
    if (visible > 0) {
      let m = f32x4.splat(-Infinity);
      for (; j < n4; j += 4) m = f32x4.max(m, v128.load(xr + (<usize>j << 2)));
      if (rest > 0) m = f32x4.max(m, loadTail(xr + (<usize>n4 << 2), rest));
      m = f32x4.max(m, i32x4.shuffle(m, m, 2, 3, 0, 1));
      m = f32x4.max(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        const e = exp4(f32x4.mul(f32x4.sub(v128.load(xr + o), m), vs));
        v128.store(yr + o, e);
        a0 = f64x2.add(a0, f64lo(e));
        a1 = f64x2.add(a1, f64hi(e));
      }
      let et = f32x4.splat(0);
      if (rest > 0) {
        et = exp4(f32x4.mul(f32x4.sub(loadTail(xr + (<usize>n4 << 2), rest), m), vs)); // -Infinity lanes give 0
        a0 = f64x2.add(a0, f64lo(et));
        a1 = f64x2.add(a1, f64hi(et));
      }
      const inv = f32x4.splat(<f32>(1 / hsum64(a0, a1)));
      for (j = 0; j < n4; j += 4) {
        const o = <usize>j << 2;
        v128.store(yr + o, f32x4.mul(v128.load(yr + o), inv));
      }
      if (rest > 0) storeTail(yr + (<usize>n4 << 2), f32x4.mul(et, inv), rest);
      j = visible;
    }
    for (; j < s; j++) store<f32>(yr + (<usize>j << 2), 0);
  }
}

const GELU_K1: f32 = 1.5957691216057308; // 2 sqrt(2 / pi)
const GELU_K3: f32 = 0.07135481627159583; // 2 sqrt(2 / pi) 0.044715

/**
 * GELU, tanh form: 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3); the
 * sigmoid from e = exp(-|2u|) (1 / (1 + e) or e / (1 + e)), which keeps its relative accuracy for
 * negative x where 1 + tanh(u) would cancel. NaN gives NaN.
 */
@inline export function gelu4(x: v128): v128 {
  const z = f32x4.mul(x, f32x4.add(f32x4.splat(GELU_K1), f32x4.mul(f32x4.splat(GELU_K3), f32x4.mul(x, x))));
  const e = exp4(f32x4.neg(f32x4.abs(z)));
  const d = f32x4.add(f32x4.splat(1), e);
  const sig = v128.bitselect(f32x4.div(e, d), f32x4.div(f32x4.splat(1), d), f32x4.lt(z, f32x4.splat(0)));
  return f32x4.mul(x, sig);
}

/** gelu over n float32 at x into y (y may be x). */
export function gelu_f32x4(n: i32, x: usize, y: usize): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) v128.store(y + (<usize>i << 2), gelu4(v128.load(x + (<usize>i << 2))));
  if (i < n) storeTail(y + (<usize>i << 2), gelu4(loadTail(x + (<usize>i << 2), n - i)), n - i);
}
