import type { OpSchema } from './schema.ts';
import { INT_ACTIVATIONS } from './common.ts';
import {
  GATE_BITS, GATE_SCALES, MAX_STEPS, RECURRENT_INPUTS, REVERSE,
  checkGateGrid, checkProjections, checkRecurrentAccumulators, checkRecurrentShapes, checkState, checkStaticSteps, recurrentShapes,
} from './recurrent.ts';

/**
 * gru: one GRU layer in one direction over a whole sequence, PyTorch's / Keras v2's "reset after"
 * form (ONNX linear_before_reset = 1). Gate rows n = 0..3H-1 are ordered z (update), r (reset),
 * n (new), H rows each.
 *
 * Inputs: x [B, T, I] (int8/uint8, s_x, z_x; B and T may be run-time sizes); W [I, 3H], U [H, 3H]
 * (int8/int4 constants, symmetric, per-tensor or per-channel along axis 1); optional biasX [3H]
 * (int32, scale fround(s_x * s_W[n])), optional biasH [3H] (int32, scale fround(s_h * s_U[n]));
 * optional h0 [B, H] (y's dtype and quant; absent = every code z_h). Positional: h0 needs both
 * biases before it (the builder adds zero biases).
 *
 * Attrs: inputGateScales / inputGateBits (the grid of px: 1 or 3H float32 scales s_px[n], 2..16
 * bits, symmetric signed), recurrentGateScales / recurrentGateBits (the grid of ph, s_ph[n]),
 * reverse, maxSteps (as lstm).
 *
 * Outputs: y [B, T, H] (every step's h, in time order), hT [B, H] (y's dtype and quant).
 *
 * Per batch row b and step t, h the previous codes, float32 after every operation in this order
 * (sigmoid, tanh: sigmoidFloat, tanhFloat, with FLOAT_KERNEL_TOLERANCE in a runtime):
 *
 *   ax[n] = biasX[n] + sum_k (x[b, t, k] - z_x) * W[k, n];  ah[n] = biasH[n] + sum_k (h[k] - z_h) * U[k, n]   int32
 *   px[n] = clamp(roundHalfEven(fround(fround(ax[n]) * mx[n])), qmin_px, qmax_px),  mx[n] = requantMultiplier(s_x, s_W[n], s_px[n])
 *   ph[n] = clamp(roundHalfEven(fround(fround(ah[n]) * mh[n])), qmin_ph, qmax_ph),  mh[n] = requantMultiplier(s_h, s_U[n], s_ph[n])
 *   vx[n] = fround(px[n] * s_px[n]);  vh[n] = fround(ph[n] * s_ph[n])
 *   z  = sigmoid(fround(vx_z + vh_z));  r = sigmoid(fround(vx_r + vh_r))
 *   nn = tanh(fround(vx_n + fround(r * vh_n)))
 *   h' = fround(fround(fround(1 - z) * nn) + fround(fround(z * (h - z_h)) * s_h))
 *   h  = clamp(roundHalfEven(fround(h' / s_h)) + z_h, qmin_h, qmax_h)
 */
export const gru: OpSchema = {
  op: 'gru',
  inputs: [
    ...RECURRENT_INPUTS,
    { name: 'biasX', kind: 'constant', dtypes: ['int32'], optional: true },
    { name: 'biasH', kind: 'constant', dtypes: ['int32'], optional: true },
    { name: 'h0', kind: 'activation', dtypes: INT_ACTIVATIONS, optional: true },
  ],
  outputs: [
    { name: 'y', dtypes: INT_ACTIVATIONS },
    { name: 'hT', dtypes: INT_ACTIVATIONS },
  ],
  attrs: {
    inputGateScales: GATE_SCALES, inputGateBits: GATE_BITS,
    recurrentGateScales: GATE_SCALES, recurrentGateBits: GATE_BITS,
    reverse: REVERSE, maxSteps: MAX_STEPS,
  },
  infer(ctx) {
    const dims = checkRecurrentShapes(ctx, 3);
    const rows = 3 * dims.hidden;
    const px = checkGateGrid(ctx, 'inputGateScales', 'inputGateBits', rows);
    const ph = checkGateGrid(ctx, 'recurrentGateScales', 'recurrentGateBits', rows);
    checkStaticSteps(ctx, dims);
    const [y] = ctx.outputs ?? [];
    checkRecurrentAccumulators(ctx, dims, rows, 3, 4, y);
    checkState(ctx, 5, dims, y, 'h0');
    if (y) checkProjections(ctx, y, px, ph, rows);
    return recurrentShapes(dims, 1);
  },
};
