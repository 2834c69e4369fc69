import * as tf from '@tensorflow/tfjs-core';

/**
 * AdamW (Loshchilov & Hutter): tfjs's Adam plus decoupled weight decay, w <- w - lr * wd * w before
 * the Adam update, on the variables `decay` selects (matrices; not biases, norms or steps).
 */
export class AdamW {
  private readonly adam: tf.AdamOptimizer;

  constructor(
    private readonly weightDecay: number,
    beta1 = 0.9,
    beta2 = 0.95,
  ) {
    this.adam = tf.train.adam(1e-3, beta1, beta2, 1e-8);
  }

  /** One update with learning rate `lr`; `decayed` are the variables that get weight decay. */
  step(grads: tf.NamedTensorMap, vars: readonly tf.Variable[], decayed: ReadonlySet<tf.Variable>, lr: number): void {
    (this.adam as unknown as { learningRate: number }).learningRate = lr;
    if (this.weightDecay > 0) {
      const keep = 1 - lr * this.weightDecay;
      tf.tidy(() => {
        for (const v of vars) if (decayed.has(v)) v.assign(tf.mul(v, keep));
      });
    }
    this.adam.applyGradients(grads as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
  }

  dispose(): void {
    this.adam.dispose();
  }
}
