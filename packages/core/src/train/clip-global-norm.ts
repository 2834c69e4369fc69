// Global-norm gradient clipping (Pascanu et al. 2013): when the L2 norm of all gradients together
// exceeds `maxNorm`, every gradient is scaled by maxNorm / norm, so the step keeps its direction.
// Recurrent networks need it: one exploding step through time would otherwise wreck the weights.
import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError } from '../util/errors.ts';

/**
 * The gradients scaled so that their global L2 norm is at most `maxNorm` (new tensors; the caller
 * disposes both maps). Throws NonFiniteError, naming `who`, when the norm is NaN or infinite.
 */
export function clipGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number, who: string): tf.NamedTensorMap {
  return tf.tidy(() => {
    const norm = Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
    if (!Number.isFinite(norm)) throw new NonFiniteError(`${who}: the gradient norm is ${norm}`);
    const scale = norm <= maxNorm ? 1 : maxNorm / norm;
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, scale === 1 ? tf.clone(g) : tf.mul(g, scale)]));
  });
}
