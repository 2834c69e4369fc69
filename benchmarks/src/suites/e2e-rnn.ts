// End-to-end LSTM and GRU inference over seqMNIST-shaped input [B, 28, 28] (each image a sequence
// of 28 rows of 28 pixels): the integer model on our WASM SIMD kernels (loadSession, float pixels in,
// float logits out) against the same float32 model on tfjs-backend-wasm (rnn-models.ts), in the same
// process, batch 1 and 64. Both sides start from a Float32Array and end with logits in JS.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import { loadSession } from '@qatjs/backend-wasm';
import { loadMnist } from '@qatjs/datasets';
import type { IntModel } from '@qatjs/ir';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';
import { FloatRnn, gruCell, gruWeights, intGru, intLstm, lstmCell, lstmWeights } from '../rnn-models.ts';

const [T, I, CLASSES] = [28, 28, 10];

/** One model twice from the same weights: float32 on tfjs, and the IntModel. */
interface RnnPair {
  readonly float: { forward(x: Float32Array, batch: number, steps: number): Float32Array; dispose(): void };
  readonly int: IntModel;
}
const lstm = (hidden: number): RnnPair => {
  const k = lstmWeights(I, hidden, CLASSES, 7);
  return { float: new FloatRnn(k, lstmCell), int: intLstm(k) };
};
const gru = (hidden: number): RnnPair => {
  const k = gruWeights(I, hidden, CLASSES, 7);
  return { float: new FloatRnn(k, gruCell), int: intGru(k) };
};
const MODELS: Record<string, () => RnnPair> = {
  'lstm-h128': () => lstm(128),
  'lstm-h256': () => lstm(256),
  'gru-h128': () => gru(128),
  'gru-h256': () => gru(256),
};
/** The two sides compute the same function up to quantization: most argmaxes agree. */
function checkSameModel(int: Float32Array, float: Float32Array, batch: number): number {
  let same = 0;
  for (let b = 0; b < batch; b++) {
    const arg = (v: Float32Array) => v.subarray(b * CLASSES, (b + 1) * CLASSES).reduce((best, x, i, a) => (x > a[best] ? i : best), 0);
    if (arg(int) === arg(float)) same++;
  }
  if (same < 0.8 * batch) throw new Error(`the int and float models agree on only ${same} of ${batch} argmaxes`);
  return same / batch;
}

export const suite: Suite = {
  name: 'e2e-rnn',
  description: 'seqMNIST-shaped 1-layer LSTM and GRU inference, batch 1 and 64: qatjs int runtime vs the same float32 model on tfjs-backend-wasm',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const images = await loadMnist({ split: 'test', limit: 64 });
    const rows: Row[] = [];
    // smoke: the smaller model of each family, the agreement on 8 sequences
    const models = Object.entries(MODELS).filter(([name]) => !smoke || name.endsWith('h128'));
    const checked = smoke ? 8 : 64;
    for (const [model, make] of models) {
      const { float, int } = make();
      const session = await loadSession(int);
      const sample = images.x.subarray(0, checked * T * I);
      const agree = checkSameModel(session.run({ x: { data: sample, shape: [checked, T, I] } }).logits as Float32Array, float.forward(sample, checked, T), checked);
      for (const batch of smoke ? [1] : [1, 64]) {
        const x = images.x.slice(0, batch * T * I);
        const tasks = [
          { name: 'tfjs-wasm-f32', fn: () => float.forward(x, batch, T) },
          { name: 'qatjs-int8', fn: () => session.run({ x: { data: x, shape: [batch, T, I] } }) },
        ];
        const ms = await medianMs(tasks, { smoke, timeMs: batch === 1 ? 2000 : 4000 });
        const base = ms.get('tfjs-wasm-f32') as number;
        const t = ms.get('qatjs-int8') as number;
        rows.push({ model, batch, engine: 'tfjs-wasm-f32', weights: 'float32', msPerBatch: base, speedup: 1 });
        rows.push({ model, batch, engine: 'qatjs-int8', weights: 'int8', msPerBatch: t, speedup: base / t, argmaxAgreement: agree });
      }
      session.dispose();
      float.dispose();
    }
    return rows;
  },
};
