// I-BERT's integer-only nonlinearities (Kim et al. 2021, "I-BERT: Integer-only BERT Quantization",
// ICML): GELU through a second-order polynomial of erf, exp through a second-order polynomial on
// (-ln 2, 0] and a shift, and layer norm's standard deviation through an integer square root (Newton).
// Each function takes integer codes q of a real value x = q·S and returns integer codes and their
// scale. Every intermediate is an integer below 2^53, so float64 arithmetic computes it exactly: the
// reference interpreter, a runtime and the fake-quant training forward (all calling these functions)
// agree code for code. docs/numerics.md gives the formulas.

import { IntModelError } from './errors.ts';
import { quantizeValue } from './numerics.ts';

/** An integer code and its scale: the real value is q · s. */
export interface ScaledInt {
  readonly q: number;
  readonly s: number;
}

/** i-GELU's erf polynomial: erf(x) ≈ sgn(x) [a (min(|x|, −b) + b)² + c] (I-BERT, eq. 8). */
export const I_ERF = Object.freeze({ a: -0.2888, b: -1.769, c: 1 });
/** i-exp's polynomial on (−ln 2, 0]: exp(p) ≈ a (p + b)² + c (I-BERT, eq. 12). */
export const I_EXP = Object.freeze({ a: 0.3585, b: 1.353, c: 0.344 });
/** Fraction bits of i-softmax's probabilities and i-layerNorm's normalized values (fixed point 2^-16). */
export const INTEGER_ONLY_FRACTION_BITS = 16;

/** i-poly (I-BERT Algorithm 1): a (x + b)² + c on x = q·S with q_b = floor(b / S), q_c = floor(c / (a S²)): ((q + q_b)² + q_c) · aS². */
export function iPoly(q: number, s: number, a: number, b: number, c: number): ScaledInt {
  const qb = Math.floor(b / s);
  const sOut = a * s * s;
  const qc = Math.floor(c / sOut);
  return { q: (q + qb) * (q + qb) + qc, s: sOut };
}

/** i-erf (I-BERT Algorithm 2): sgn(q) · i-poly(min(|q|, −q_b)), q_b = floor(b / S). */
export function iErf(q: number, s: number): ScaledInt {
  const qb = Math.floor(I_ERF.b / s);
  const clipped = Math.min(Math.abs(q), -qb);
  const p = iPoly(clipped, s, I_ERF.a, I_ERF.b, I_ERF.c);
  return { q: Math.sign(q) * p.q, s: p.s };
}

/** i-GELU (I-BERT Algorithm 2): x · ½ (1 + erf(x / √2)) = q (q_erf + floor(1 / S_erf)) · S S_erf / 2. */
export function iGelu(q: number, s: number): ScaledInt {
  const e = iErf(q, s / Math.SQRT2);
  const one = Math.floor(1 / e.s);
  return { q: q * (e.q + one), s: (s * e.s) / 2 };
}

/**
 * i-exp (I-BERT Algorithm 3) of x = q·S <= 0: x = −z ln 2 + p with z = floor(−q / q_ln2),
 * q_ln2 = floor(ln 2 / S), p = (q + z q_ln2)·S in (−ln 2, 0]; exp(x) = i-poly(p) >> z.
 * Needs S <= ln 2 (q_ln2 >= 1).
 */
export function iExp(q: number, s: number): ScaledInt {
  const qln2 = Math.floor(Math.LN2 / s);
  if (!(qln2 >= 1)) throw new IntModelError('scale', `i-exp needs a scale <= ln 2 (${Math.LN2}), got ${s}`);
  const z = Math.floor(-q / qln2);
  const p = iPoly(q + z * qln2, s, I_EXP.a, I_EXP.b, I_EXP.c);
  return { q: Math.floor(p.q / 2 ** z), s: p.s };
}

/** floor(sqrt(n)) of an integer n >= 0 by Newton's iteration (I-BERT Algorithm 4): x0 = 2^ceil(bits(n) / 2), x ← floor((x + floor(n / x)) / 2) while it decreases. */
export function iSqrt(n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new IntModelError('n', `iSqrt takes an integer in [0, 2^53), got ${n}`);
  if (n === 0) return 0;
  let x = 2 ** Math.ceil(Math.ceil(Math.log2(n + 1)) / 2);
  for (;;) {
    const y = Math.floor((x + Math.floor(n / x)) / 2);
    if (y >= x) return x;
    x = y;
  }
}

/**
 * i-softmax's probabilities of one row in fixed point 2^-16: codes q (x = q·S; the visible columns
 * first, `visible` of them) -> out[j] = p_j, d_j = q_j − max q (<= 0), e_j = i-exp(d_j, S).q,
 * p_j = floor(e_j 2^16 / Σ e); hidden columns get 0. The training forward uses p_j 2^-16 as it is.
 */
export function iSoftmaxFixedRow(q: ArrayLike<number>, visible: number, s: number, out: { [i: number]: number }): void {
  let max = -Infinity;
  for (let j = 0; j < visible; j++) max = Math.max(max, q[j]);
  let sum = 0;
  for (let j = 0; j < visible; j++) {
    out[j] = iExp(q[j] - max, s).q;
    sum += out[j];
  }
  const one = 2 ** INTEGER_ONLY_FRACTION_BITS;
  for (let j = 0; j < q.length; j++) out[j] = j < visible && sum > 0 ? Math.floor((out[j] * one) / sum) : 0;
}

/**
 * i-softmax of one row: iSoftmaxFixedRow's p_j, then output codes on the grid (s_y, z_y, [lo, hi]):
 * y_j = quantizeValue(p_j 2^-16, s_y, z_y, lo, hi). `out` receives the row.
 */
export function iSoftmaxRow(q: ArrayLike<number>, visible: number, s: number, sY: number, zY: number, lo: number, hi: number, out: { [i: number]: number }): void {
  iSoftmaxFixedRow(q, visible, s, out);
  const one = 2 ** INTEGER_ONLY_FRACTION_BITS;
  for (let j = 0; j < q.length; j++) out[j] = quantizeValue(out[j] / one, sY, zY, lo, hi);
}

/**
 * i-layerNorm's normalized values of one row of D codes q (x = q·S) in fixed point 2^-16, in integers
 * exact below 2^53 (D² · 2^(2 bits) < 2^53): N = D Σq² − (Σq)² (= D² · variance in codes²),
 * σ_D = max(1, iSqrt(N + floor(eps D² / S²))) (= floor(D σ)), c_j = D q_j − Σq (= D (q_j − mean)),
 * out[j] = h_j = floor(c_j 2^16 / σ_D). The training forward uses h_j 2^-16 as it is.
 */
export function iLayerNormFixedRow(q: ArrayLike<number>, s: number, eps: number, out: { [i: number]: number }): void {
  const d = q.length;
  let sum = 0;
  let sq = 0;
  for (let j = 0; j < d; j++) {
    sum += q[j];
    sq += q[j] * q[j];
  }
  const sigma = Math.max(1, iSqrt(d * sq - sum * sum + Math.floor((eps * d * d) / (s * s))));
  const one = 2 ** INTEGER_ONLY_FRACTION_BITS;
  for (let j = 0; j < d; j++) out[j] = Math.floor(((d * q[j] - sum) * one) / sigma);
}

/**
 * i-layerNorm of one row: iLayerNormFixedRow's h_j, then γ and β in float32 and the output grid:
 * y_j = quantizeValue(fround(fround(fround(h_j 2^-16) γ_j) + β_j), s_y, z_y, lo, hi).
 */
export function iLayerNormRow(q: ArrayLike<number>, s: number, eps: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, sY: number, zY: number, lo: number, hi: number, out: { [i: number]: number }): void {
  iLayerNormFixedRow(q, s, eps, out);
  const one = 2 ** INTEGER_ONLY_FRACTION_BITS;
  const f32 = Math.fround;
  for (let j = 0; j < q.length; j++) out[j] = quantizeValue(f32(f32(f32(out[j] / one) * gamma[j]) + beta[j]), sY, zY, lo, hi);
}
