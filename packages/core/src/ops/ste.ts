// Straight-through-estimator building blocks for quantizer authors.
import * as tf from '@tensorflow/tfjs-core';
import { QatjsError } from '../util/errors.ts';
import { customOp } from './custom-op.ts';

/** Forward `forward(x)`, gradient passed straight through (times g). */
function straightThrough(forward: (x: tf.Tensor) => tf.Tensor, g = 1): (x: tf.Tensor) => tf.Tensor {
  return customOp(([x]) => {
    return { value: forward(x), gradFunc: (dy) => (g === 1 ? dy : tf.mul(dy, g)) };
  });
}

const roundOp = straightThrough(tf.round);
const floorOp = straightThrough(tf.floor);

/**
 * Rounds half to even in the forward pass; passes the gradient through unchanged (the STE).
 * @example
 * // a uniform quantizer by hand: y = roundSTE(x / s) * s; x and s both get gradients
 * const y = tf.mul(roundSTE(tf.div(x, s)), s);
 */
export function roundSTE(x: tf.Tensor): tf.Tensor {
  return roundOp(x);
}

/**
 * Floors in the forward pass; identity gradient. For quantizers that truncate (e.g. power-of-two codes).
 */
export function floorSTE(x: tf.Tensor): tf.Tensor {
  return floorOp(x);
}

/**
 * Identity in the forward pass; multiplies the gradient by `g` in the backward pass. LSQ uses it to
 * scale the step-size gradient by 1/sqrt(N * Qp) without changing the step size's value.
 * @example
 * const s = gradScale(stepVariable, 1 / Math.sqrt(numel * qmax));
 */
export function gradScale(x: tf.Tensor, g: number): tf.Tensor {
  if (typeof g !== 'number' || !Number.isFinite(g)) throw new QatjsError(`gradScale: g must be a finite number, got ${g}`);
  return straightThrough(tf.clone, g)(x);
}
