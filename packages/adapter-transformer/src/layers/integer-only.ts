import * as tf from '@tensorflow/tfjs-core';
import type { TensorGrid } from '@qatjs/core';
import { INTEGER_ONLY_FRACTION_BITS, iGelu, iLayerNormFixedRow, iSoftmaxFixedRow } from '@qatjs/ir';

// The training and evaluation forward of I-BERT's integer-only nonlinearities (a recipe rule's
// `integerOnly`): the values are computed by @qatjs/ir's integer-only functions, the very code the
// reference interpreter and the runtime call, on the input's codes (gridOf), so the fake-quant model
// and the integer model agree code for code. The gradients are the float functions' (a
// straight-through estimator across the integer approximation, as I-BERT trains).
// The values are read back and computed in JavaScript (float64: every intermediate is an integer
// below 2^53): tfjs's float32 could not hold them exactly.

/** The input's codes minus its zero point: x = (q − z)·s exactly, so round(x / s) recovers q − z. */
function codes(x: tf.Tensor, grid: TensorGrid): Float64Array {
  const v = x.dataSync();
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.round(v[i] / grid.scale);
  return out;
}

/** i-GELU of every element: fround(q·S) with (q, S) = iGelu(code, s), the value the output quantizer rounds. */
export function iGeluValues(x: tf.Tensor, grid: TensorGrid): tf.Tensor {
  const q = codes(x, grid);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const r = iGelu(q[i], grid.scale);
    out[i] = r.q * r.s;
  }
  return tf.tensor(out, x.shape, 'float32');
}

/** Row by row over the last axis: `row(codes, k, out)` writes fixed-point values (2^-16), returned as reals. */
function fixedRows(x: tf.Tensor, grid: TensorGrid, row: (q: Float64Array, k: number, out: Float64Array) => void): tf.Tensor {
  const q = codes(x, grid);
  const n = x.shape[x.rank - 1];
  const out = new Float32Array(q.length);
  const fixed = new Float64Array(n);
  const one = 2 ** INTEGER_ONLY_FRACTION_BITS;
  for (let k = 0; k * n < q.length; k++) {
    row(q.subarray(k * n, (k + 1) * n), k, fixed);
    for (let j = 0; j < n; j++) out[k * n + j] = fixed[j] / one; // exact in float32 (|value| < 2^24 units)
  }
  return tf.tensor(out, x.shape, 'float32');
}

/**
 * i-softmax over the last axis of scores [..., T, T] with the factor `scale` (1/sqrt(d_head)),
 * causal (row i sees columns 0..i): the probabilities p_j 2^-16.
 */
export function iSoftmaxValues(scores: tf.Tensor, grid: TensorGrid, scale: number): tf.Tensor {
  const t = scores.shape[scores.rank - 1];
  return fixedRows(scores, grid, (q, k, out) => iSoftmaxFixedRow(q, (k % t) + 1, grid.scale * scale, out));
}

/** i-layerNorm's normalized values over the last axis, h_j 2^-16, before γ and β. */
export function iLayerNormNormalized(x: tf.Tensor, grid: TensorGrid, eps: number): tf.Tensor {
  return fixedRows(x, grid, (q, _k, out) => iLayerNormFixedRow(q, grid.scale, eps, out));
}
