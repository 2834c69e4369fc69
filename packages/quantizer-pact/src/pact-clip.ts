import * as tf from '@tensorflow/tfjs-core';

/**
 * PACT's activation: y = clip(x, 0, alpha), with PACT's gradients (Choi et al. 2018, eq. 2-3):
 * dy/dx = 1 for 0 <= x < alpha, else 0; dy/dalpha = 1 for x >= alpha, else 0.
 * Built from tf.where, whose gradient goes to the branch the condition picked. (Its conditions use
 * greaterEqual: tfjs registers no gradient for less and greater, and the tape would ask for one.)
 *
 * alpha is spread to x's shape by a broadcasting add, never by tf.broadcastTo: broadcastTo is a Tile,
 * and tfjs's Tile gradient adds one slice of dy per element of x (each slice reads all of dy on the
 * wasm and cpu backends), quadratic in x's size: minutes per step for a conv activation. The add's
 * gradient is one sum over the broadcast axes.
 */
export function pactClip(x: tf.Tensor, alpha: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const top = tf.add(tf.zerosLike(x), alpha);
    const low = tf.where(tf.greaterEqual(x, 0), x, tf.zerosLike(x));
    return tf.where(tf.greaterEqual(x, alpha), top, low);
  });
}
