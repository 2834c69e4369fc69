import { formatShape } from '../shape.ts';
import type { OpContext, OpSchema } from './schema.ts';
import { input } from './schema.ts';

// I-BERT's integer-only nonlinearities (Kim et al. 2021) as their own ops, codes in and codes out:
// the float forms (gelu, softmax, layerNorm) run between a dequantize and a quantize on float32
// values, these read the input's codes and write the output's. They are separate ops rather than an
// attribute on the float ones because their inputs and outputs have other dtypes (codes, not float32)
// and their kernels share nothing with the float kernels; one op, one formula. The formulas are
// integer-only.ts's scalar functions (docs/numerics.md, "Integer-only nonlinearities").

const CODES = ['int8', 'uint8'] as const;

function perTensor(ctx: OpContext, i: number): void {
  const x = input(ctx, i);
  if (!x.quant || x.quant.scale.length !== 1) ctx.fail(`inputs[${i}]`, `'${x.name}' needs per-tensor quant params`);
}

/**
 * iGelu: x int8/uint8 codes (s_x, z_x) -> y int8/uint8 codes (s_y, z_y), same shape. Per element
 * (integer-only.iGelu, I-BERT's i-GELU, the erf form of GELU):
 *   (q, S) = iGelu(x - z_x, s_x);  y = quantizeValue(fround(q · S), s_y, z_y, qmin, qmax)
 */
export const iGelu: OpSchema = {
  op: 'iGelu',
  inputs: [{ name: 'x', kind: 'activation', dtypes: CODES }],
  outputs: [{ name: 'y', dtypes: CODES }],
  attrs: {},
  infer(ctx) {
    perTensor(ctx, 0);
    return [{ shape: input(ctx, 0).shape }];
  },
};

/**
 * iSoftmax over the last axis: x [..., T, S] int8/uint8 codes (s_x, z_x) -> y codes, same shape.
 * attrs scale (the factor of softmax(scale · x)), causal (row i sees columns j <= i + S - T). Per
 * row, with S_in = s_x · scale (float64): integer-only.iSoftmaxRow(x - z_x, visible, S_in, s_y, z_y,
 * qmin, qmax): i-exp of q_j - max q, p_j = floor(e_j 2^16 / Σe), y = quantizeValue(p_j 2^-16).
 * S_in must be <= ln 2.
 */
export const iSoftmax: OpSchema = {
  op: 'iSoftmax',
  inputs: [{ name: 'x', kind: 'activation', dtypes: CODES }],
  outputs: [{ name: 'y', dtypes: CODES }],
  attrs: { scale: { kind: 'float', min: 1e-12, max: 1e12, default: 1 }, causal: { kind: 'bool', default: false } },
  infer(ctx) {
    const x = input(ctx, 0);
    if (x.shape.length < 2) ctx.fail('inputs[0]', `x must have rank >= 2 [..., T, S], got ${formatShape(x.shape)}`);
    perTensor(ctx, 0);
    const s = (x.quant?.scale[0] as number) * ((ctx.attrs.scale as number | undefined) ?? 1);
    if (!(s <= Math.LN2)) ctx.fail('attrs.scale', `i-exp needs s_x · scale <= ln 2, got ${s}`);
    return [{ shape: x.shape }];
  },
};

/**
 * iLayerNorm over the last axis: x [..., D] int8/uint8/int16 codes (s_x, z_x), constants gamma [D],
 * beta [D] float32 -> y [..., D] int8/uint8 codes. attrs eps. Per row: integer-only.iLayerNormRow(
 * x - z_x, s_x, eps, gamma, beta, s_y, z_y, qmin, qmax): integer mean and variance, Newton's integer
 * square root, the 2^-16 fixed-point normalized value, then γ, β in float32 and the output grid.
 * Exact below 2^53: D² · 2^(2·bits) < 2^53.
 */
export const iLayerNorm: OpSchema = {
  op: 'iLayerNorm',
  inputs: [
    { name: 'x', kind: 'activation', dtypes: ['int8', 'uint8', 'int16'] },
    { name: 'gamma', kind: 'constant', dtypes: ['float32'] },
    { name: 'beta', kind: 'constant', dtypes: ['float32'] },
  ],
  outputs: [{ name: 'y', dtypes: CODES }],
  attrs: { eps: { kind: 'float', min: 1e-12, max: 1 } },
  infer(ctx) {
    const x = input(ctx, 0);
    const d = x.shape[x.shape.length - 1];
    if (x.shape.length < 1 || !(d > 0)) ctx.fail('inputs[0]', `x ${formatShape(x.shape)} needs a static last axis (the features)`);
    perTensor(ctx, 0);
    const bits = x.quant?.bits as number;
    if (!(d * d * 2 ** (2 * bits) < 2 ** 53)) ctx.fail('inputs[0]', `D = ${d} features of ${bits}-bit codes: D² · 2^(2 bits) must stay below 2^53 (exact integer sums)`);
    for (const i of [1, 2]) {
      const t = input(ctx, i);
      if (t.shape.length !== 1 || t.shape[0] !== d) ctx.fail(`inputs[${i}]`, `'${t.name}' must have shape [${d}] (the features of x ${formatShape(x.shape)}), got ${formatShape(t.shape)}`);
    }
    return [{ shape: x.shape }];
  },
};
