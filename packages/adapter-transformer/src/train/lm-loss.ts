import * as tf from '@tensorflow/tfjs-core';
import { describeValue, isTensor } from '@qatjs/core';
import { LayerError } from '@qatjs/layers';

/**
 * Mean next-token cross-entropy in nats: logits [B, T, V] (or [N, V]) against int32 targets [B, T]
 * (or [N]). Bits per character is this divided by ln 2.
 */
export function lmLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (!isTensor(logits) || logits.rank < 2) throw new LayerError(`lmLoss: logits must be a tf.Tensor [..., vocab], got ${isTensor(logits) ? `shape [${logits.shape}]` : describeValue(logits)}`);
  if (!isTensor(targets) || targets.size * logits.shape[logits.rank - 1] !== logits.size) {
    throw new LayerError(`lmLoss: targets must hold one id per row of logits [${logits.shape}], got ${isTensor(targets) ? `shape [${targets.shape}]` : describeValue(targets)}`);
  }
  return tf.tidy(() => {
    const v = logits.shape[logits.rank - 1];
    const flat = tf.reshape(logits, [-1, v]);
    const ids = targets.dtype === 'int32' ? tf.reshape(targets, [-1]) : tf.cast(tf.reshape(targets, [-1]), 'int32');
    return tf.losses.softmaxCrossEntropy(tf.oneHot(ids, v), flat) as tf.Scalar;
  });
}
