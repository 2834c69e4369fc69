import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, type Module } from '@qatjs/core';
import { lmLoss } from './lm-loss.ts';
import { checkTokenBatch, type TokenBatch } from './sequence-batch.ts';

/**
 * Mean bits per character of a language model over the batches (every target counted once), in
 * eval mode; the model's mode is restored after.
 */
export function bitsPerChar(model: Module, batches: Iterable<TokenBatch>): number {
  if (model === null || typeof model !== 'object' || typeof (model as Module).forward !== 'function') throw new QatjsError('bitsPerChar: model must be a Module');
  const wasTraining = model.training;
  model.eval();
  let nats = 0;
  let count = 0;
  try {
    for (const raw of batches) {
      const b = checkTokenBatch(raw, 'bitsPerChar');
      const n = b.x.length;
      nats += tf.tidy(() => lmLoss(model.forward(tf.tensor2d(b.x, [b.shape[0], b.shape[1]], 'int32')), tf.tensor2d(b.y, [b.shape[0], b.shape[1]], 'int32')).dataSync()[0]) * n;
      count += n;
    }
  } finally {
    model.train(wasTraining);
  }
  if (count === 0) throw new QatjsError('bitsPerChar: batches gave no batch');
  return nats / count / Math.LN2;
}
