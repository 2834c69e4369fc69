import type * as tf from '@tensorflow/tfjs-core';
import type { QuantRole, QuantSpec } from '@qatjs/core';
import type { GradScaleChoice } from './options.ts';

/**
 * Qp of the LSQ papers: the number of positive steps of the grid. Symmetric grids (LSQ): qmax.
 * Affine grids (LSQ+): qmax - qmin = 2^bits - 1, so signed and unsigned affine grids, which differ
 * only by a shift of the zero point, train the same.
 */
export function positiveLevels(spec: QuantSpec, qmin: number, qmax: number): number {
  return spec.symmetric ? qmax : qmax - qmin;
}

/**
 * N of the LSQ gradient scale: the elements that share one step size. Weights: all of the tensor's
 * elements (per channel: those of one channel). Activations: the features of one sample (the batch
 * is axis 0), per channel those of one channel, as in Esser et al. (2020), section 2.2.
 */
export function elementsPerStep(x: tf.Tensor, role: QuantRole, channels: number): number {
  const perSample = role === 'activation' && x.rank >= 2 ? x.size / x.shape[0] : x.size;
  return Math.max(1, perSample / channels);
}

/** The factor the step (and offset) gradients are multiplied by: g = 1/sqrt(N * Qp), 1, or fixed. */
export function gradFactor(choice: GradScaleChoice, n: number, qp: number): number {
  if (choice === false) return 1;
  if (choice === true) return 1 / Math.sqrt(n * qp);
  return choice;
}
