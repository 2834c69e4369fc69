import type { OpSchema } from './schema.ts';
import { INT_ACTIVATIONS, q } from './common.ts';
import {
  GATE_BITS, GATE_SCALES, MAX_STEPS, RECURRENT_INPUTS, REVERSE,
  checkGateGrid, checkProjections, checkRecurrentAccumulators, checkRecurrentShapes, checkState, checkStaticSteps, recurrentShapes,
} from './recurrent.ts';

/**
 * lstm: one LSTM layer in one direction over a whole sequence (the step loop is inside the op).
 *
 * Inputs: x [B, T, I] (int8/uint8, s_x, z_x; B and T may be run-time sizes, I static); W [I, 4H] and
 * U [H, 4H] (int8/int4 constants, SYMMETRIC: zero points 0; per-tensor or per-channel along axis 1,
 * s_W[n], s_U[n]); optional bias [4H] (int32, scale fround(s_x * s_W[n]), zero point 0); optional
 * h0 [B, H] (dtype and quant of output y: the hidden grid s_h, z_h; absent = every code z_h, i.e.
 * 0.0); optional c0 [B, H] (int16, the quant of output cT: the cell grid s_c, zero point 0; absent =
 * 0). Inputs are positional: h0 needs a bias before it and c0 an h0 (the builder adds a zero bias).
 * Gate rows n = 0..4H-1 are ordered i, f, g, o (PyTorch's order), H rows each.
 *
 * Attrs: gateScales (1 or 4H float32 scales s_g[n]) and gateBits (2..16): the symmetric signed gate
 * grid [qmin_g, qmax_g] = [-2^(b-1), 2^(b-1)-1]; reverse (process t = T-1 .. 0); maxSteps (a run
 * with T > maxSteps is refused, naming both).
 *
 * Outputs: y [B, T, H] (int8/uint8: the hidden grid; every step's h at its own t, in time order
 * even when reverse), hT [B, H] (the last step's h; y's dtype and quant), cT [B, H] (int16, the cell
 * grid: per-tensor, symmetric, zero point 0, bits 2..16).
 *
 * Per batch row b and step t, with h, c the previous codes (h0, c0 first). Every float operation is
 * float32 (fround after each one, in exactly this order); sigmoid and tanh are sigmoidFloat and
 * tanhFloat (float-numerics.ts: the float64 function rounded once; a runtime kernel may differ by
 * FLOAT_KERNEL_TOLERANCE, which can move a code by one where a value lies next to a rounding boundary):
 *
 *   ax[n] = bias[n] + sum_k (x[b, t, k] - z_x) * W[k, n]                    int32, exact
 *   ah[n] = sum_k (h[k] - z_h) * U[k, n]                                     int32, exact
 *   mx[n] = requantMultiplier(s_x, s_W[n], s_g[n]);  mh[n] = requantMultiplier(s_h, s_U[n], s_g[n])
 *   g[n]  = clamp(roundHalfEven(fround(fround(fround(ax[n]) * mx[n]) + fround(fround(ah[n]) * mh[n]))), qmin_g, qmax_g)
 *   v[n]  = fround(g[n] * s_g[n])
 *   i = sigmoid(v_i); f = sigmoid(v_f); gg = tanh(v_g); o = sigmoid(v_o)      (v_i[j] = v[j], v_f[j] = v[H + j], ...)
 *   c'    = fround(fround(f * fround(c * s_c)) + fround(i * gg))
 *   c     = clamp(roundHalfEven(fround(c' / s_c)), qmin_c, qmax_c)
 *   h'    = fround(o * tanh(fround(c * s_c)))
 *   h     = clamp(roundHalfEven(fround(h' / s_h)) + z_h, qmin_h, qmax_h)
 *
 * (fround(ax) is the int32 rounded to float32, as f32x4.convert_i32x4_s: exact below 2^24.)
 */
export const lstm: OpSchema = {
  op: 'lstm',
  inputs: [
    ...RECURRENT_INPUTS,
    { name: 'bias', kind: 'constant', dtypes: ['int32'], optional: true },
    { name: 'h0', kind: 'activation', dtypes: INT_ACTIVATIONS, optional: true },
    { name: 'c0', kind: 'activation', dtypes: ['int16'], optional: true },
  ],
  outputs: [
    { name: 'y', dtypes: INT_ACTIVATIONS },
    { name: 'hT', dtypes: INT_ACTIVATIONS },
    { name: 'cT', dtypes: ['int16'] },
  ],
  attrs: { gateScales: GATE_SCALES, gateBits: GATE_BITS, reverse: REVERSE, maxSteps: MAX_STEPS },
  infer(ctx) {
    const dims = checkRecurrentShapes(ctx, 4);
    const rows = 4 * dims.hidden;
    const gates = checkGateGrid(ctx, 'gateScales', 'gateBits', rows);
    checkStaticSteps(ctx, dims);
    const [y, , cT] = ctx.outputs ?? [];
    checkRecurrentAccumulators(ctx, dims, rows, 3, undefined, y);
    checkState(ctx, 4, dims, y, 'h0');
    checkState(ctx, 5, dims, cT, 'c0');
    if (y && cT) {
      if (q(cT).zeroPoint[0] !== 0) ctx.fail('outputs[2]', `the cell state '${cT.name}' must be symmetric (zero point 0), got ${q(cT).zeroPoint[0]}`);
      checkProjections(ctx, y, gates, gates, rows);
    }
    return recurrentShapes(dims, 2);
  },
};
