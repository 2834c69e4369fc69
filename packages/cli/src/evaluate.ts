// Accuracy of the float / fake-quant model (core's evaluate) and of an int session, over a test set.
import * as tf from '@tensorflow/tfjs-core';
import { evaluate, scoreLogits, type Module } from '@qatjs/core';
import { batches, type LabeledSet } from '@qatjs/datasets';
import type { IntSession } from '@qatjs/backend-wasm';

const BATCH = 256;

export async function modelAccuracy(model: Module, set: LabeledSet): Promise<number> {
  return (await evaluate(model, batches(set, { batchSize: BATCH }), { metric: 'accuracy' })).value;
}

/** The int session's accuracy, and on how many samples its argmax agrees with the model's (if given). */
export function sessionAccuracy(session: IntSession, set: LabeledSet, model?: Module): { accuracy: number; agreement?: number } {
  const input = session.inputs[0]!.name;
  const output = session.outputs[0]!.name;
  let correct = 0;
  let agree = 0;
  if (model) model.eval();
  for (const b of batches(set, { batchSize: BATCH })) {
    const logits = session.run({ [input]: b.x })[output]!;
    const classes = logits.length / b.y.length;
    correct += scoreLogits(logits, b.y, classes, 'accuracy').sum;
    if (model) {
      const fake = tf.tidy(() => tf.argMax(model.forward(tf.tensor(b.x, b.shape)), -1).dataSync() as Int32Array);
      agree += scoreLogits(logits, fake, classes, 'accuracy').sum;
    }
  }
  const n = set.y.length;
  return { accuracy: (100 * correct) / n, ...(model ? { agreement: (100 * agree) / n } : {}) };
}
