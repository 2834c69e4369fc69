import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, isTensor } from '@qatjs/core';
import { LayerError } from './errors.ts';
import { positiveInt } from './options.ts';

export interface BatchNormOptions {
  /** Weight of the newest batch in the running statistics (PyTorch's convention), default 0.1. */
  readonly momentum?: number;
  readonly epsilon?: number;
}

/**
 * Batch normalization over the last axis, owned by a conv or dense layer that folds it. Standalone,
 * forward() normalizes; folded, the owner asks for the per-channel scale gamma / sqrt(var + eps) and
 * the folded bias. Running statistics are non-trainable parameters, so checkpoints carry them.
 */
export class BatchNorm extends Module {
  readonly kind = 'BatchNorm';
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    super();
    positiveInt(channels, 'BatchNorm', 'channels');
    this.momentum = options.momentum ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-5;
    if (!(this.momentum > 0 && this.momentum <= 1)) throw new LayerError(`BatchNorm: momentum must be in (0, 1], got ${describeValue(options.momentum)}`);
    if (!(this.epsilon > 0)) throw new LayerError(`BatchNorm: epsilon must be > 0, got ${describeValue(options.epsilon)}`);
    this.gamma = this.registerParameter('gamma', tf.ones([channels]));
    this.beta = this.registerParameter('beta', tf.zeros([channels]));
    this.runningMean = this.registerParameter('runningMean', tf.zeros([channels]), false);
    this.runningVar = this.registerParameter('runningVar', tf.ones([channels]), false);
  }

  /** Batch statistics in training until the schedule freezes batch norm; running statistics otherwise. */
  get usesBatchStatistics(): boolean {
    return this.training && !this.quantController?.batchNormFrozen;
  }

  /** gamma / sqrt(runningVar + eps), per channel. */
  foldScale(): tf.Tensor1D {
    return tf.tidy(() => tf.div(this.gamma, tf.sqrt(tf.add(this.runningVar, this.epsilon))) as tf.Tensor1D);
  }

  /** The bias of the folded layer: beta + (bias - runningMean) * scale. */
  foldedBias(scale: tf.Tensor1D, bias?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => tf.add(this.beta, tf.mul(bias ? tf.sub(bias, this.runningMean) : tf.neg(this.runningMean), scale)) as tf.Tensor1D);
  }

  /** Normalizes z with its batch statistics over all axes but the last, and updates the running ones. */
  normalizeWithBatchStatistics(z: tf.Tensor): tf.Tensor {
    const axes = [...Array(z.rank - 1).keys()];
    const { mean, variance } = tf.moments(z, axes);
    const n = z.size / this.channels;
    tf.tidy(() => {
      const m = this.momentum;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      // running variance is unbiased (PyTorch); the batch is normalized with the biased one
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / Math.max(1, n - 1))));
    });
    return tf.batchNorm(z, mean, variance, this.beta, this.gamma, this.epsilon);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!isTensor(x)) throw new LayerError(`BatchNorm: input must be a tf.Tensor, got ${describeValue(x)}`);
    return tf.tidy(() => {
      if (x.shape[x.rank - 1] !== this.channels) throw new LayerError(`BatchNorm: input has ${x.shape[x.rank - 1]} channels, expected ${this.channels}`);
      if (this.usesBatchStatistics) return this.normalizeWithBatchStatistics(x);
      return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.epsilon);
    });
  }
}
