import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '@qatjs/core';
import { LayerError } from '@qatjs/layers';
import type { CharLstm } from '../models/char-lstm.ts';

export interface BitsPerCharacterOptions {
  /** Characters per window (each window starts from zero states; default 128). */
  readonly seqLen?: number;
  /** Windows per forward pass (default 32). */
  readonly batchSize?: number;
  /** Score at most this many characters (default: all). */
  readonly limit?: number;
}

/**
 * The model's cross-entropy on `ids` in bits per character: the text is cut into consecutive windows
 * of seqLen + 1 ids (overlapping by one), each predicting its last seqLen ids from zero states, in eval
 * mode. Lower is better; a uniform guess over V characters scores log2(V).
 */
export function bitsPerCharacter(model: CharLstm, ids: Int32Array, options: BitsPerCharacterOptions = {}): number {
  const where = 'bitsPerCharacter';
  if (model === null || typeof model !== 'object' || typeof (model as CharLstm).forward !== 'function' || !((model as CharLstm).vocabSize > 0)) {
    throw new LayerError(`${where}: model must be a charLstm, got ${describeValue(model)}`);
  }
  if (!(ids instanceof Int32Array)) throw new LayerError(`${where}: ids must be an Int32Array of character ids, got ${describeValue(ids)}`);
  const { seqLen = 128, batchSize = 32, limit = Infinity } = options ?? {};
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new LayerError(`${where}: seqLen must be an integer >= 1, got ${describeValue(seqLen)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new LayerError(`${where}: batchSize must be an integer >= 1, got ${describeValue(batchSize)}`);
  if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new LayerError(`${where}: limit must be an integer >= 1, got ${describeValue(limit)}`);
  const n = Math.min(ids.length - 1, limit);
  const windows = Math.floor(n / seqLen);
  if (windows < 1) throw new LayerError(`${where}: ${ids.length} ids make no window of ${seqLen + 1}`);
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < model.vocabSize)) throw new LayerError(`${where}: id ${ids[i]} at position ${i} is outside the vocabulary [0, ${model.vocabSize})`);
  }
  const wasTraining = model.training;
  model.eval();
  let nats = 0;
  try {
    for (let w0 = 0; w0 < windows; w0 += batchSize) {
      const b = Math.min(batchSize, windows - w0);
      const x = new Int32Array(b * seqLen);
      const y = new Int32Array(b * seqLen);
      for (let r = 0; r < b; r++) {
        const at = (w0 + r) * seqLen;
        x.set(ids.subarray(at, at + seqLen), r * seqLen);
        y.set(ids.subarray(at + 1, at + seqLen + 1), r * seqLen);
      }
      nats += tf.tidy(() => {
        const logits = model.forward(tf.tensor2d(x, [b, seqLen], 'int32'));
        const logp = tf.logSoftmax(logits);
        const picked = tf.mul(logp, tf.oneHot(tf.tensor2d(y, [b, seqLen], 'int32'), model.vocabSize));
        return -tf.sum(picked).dataSync()[0];
      });
    }
  } finally {
    if (wasTraining) model.train();
  }
  return nats / (windows * seqLen) / Math.LN2;
}
