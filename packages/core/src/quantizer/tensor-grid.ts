import * as tf from '@tensorflow/tfjs-core';
import { roundSTE } from '../ops/ste.ts';

/** The per-tensor grid a fake-quantized activation lies on. */
export interface TensorGrid {
  readonly scale: number;
  readonly zeroPoint: number;
}

// Like a quantized tensor's qparams in PyTorch, but kept beside tfjs tensors: layers look up the grid
// of their input to simulate what the integer model does with it (e.g. the bias's int32 unit).
// A grid may be given as a function, called (once) only when a layer asks: tagging then costs nothing
// on the layers that never ask.
type GridSource = TensorGrid | (() => TensorGrid);
const grids = new WeakMap<tf.Tensor, GridSource>();

/** Records that `t` lies on `grid` (or on the grid `grid()` returns when first asked). */
export function tagGrid<T extends tf.Tensor>(t: T, grid: GridSource): T {
  grids.set(t, grid);
  return t;
}

/** The grid `t` was fake-quantized to, if it was (per tensor). */
export function gridOf(t: tf.Tensor): TensorGrid | undefined {
  const g = grids.get(t);
  if (typeof g !== 'function') return g;
  const grid = g();
  grids.set(t, grid);
  return grid;
}

/** For ops that keep the grid (max pooling, reshape): `to` lies on `from`'s grid. */
export function passGrid<T extends tf.Tensor>(from: tf.Tensor, to: T): T {
  const g = grids.get(from);
  if (g) grids.set(to, g);
  return to;
}

/**
 * The bias as the integer model stores it: rounded to int32 in units of fround(s_x * s_w[c]) (the
 * accumulator's unit), the straight-through estimator passing the gradient. `weightScales` has one
 * scale per weight channel; with `repeat` > 1 (depthwise multiplier) each serves that many bias entries.
 */
export function fakeQuantizeBias(bias: tf.Tensor, inputScale: number, weightScales: ArrayLike<number>, repeat = 1): tf.Tensor {
  const units = new Float32Array(bias.size);
  for (let c = 0; c < units.length; c++) {
    units[c] = Math.fround(inputScale * weightScales[weightScales.length === 1 ? 0 : Math.floor(c / repeat)]);
  }
  return tf.tidy(() => {
    const u = tf.tensor(units, bias.shape);
    return tf.mul(roundSTE(tf.div(bias, u)), u);
  });
}
