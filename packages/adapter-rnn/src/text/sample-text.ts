import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '@qatjs/core';
import { seededRandom } from '@qatjs/ir';
import { LayerError } from '@qatjs/layers';
import type { CharLstm } from '../models/char-lstm.ts';

export interface SampleOptions {
  /** Characters to generate. */
  readonly length: number;
  /** Softmax temperature (default 1); 0 picks the most likely character every time. */
  readonly temperature?: number;
  /** Seed of the sampling (default 1): the same seed gives the same text. */
  readonly seed?: number;
}

/** Index drawn from softmax(logits / temperature) (argmax at temperature 0). */
function draw(logits: Float32Array | Int32Array | Uint8Array, temperature: number, random: () => number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  const p = Array.from(logits, (v) => Math.exp((v - logits[best]) / temperature));
  let r = random() * p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < p.length; i++) if ((r -= p[i]) < 0) return i;
  return p.length - 1;
}

/**
 * Continues `prompt` with `length` characters sampled from the model (in eval mode, fake-quantized if
 * the model is prepared): the prompt runs through the LSTM once, then each new character is one step
 * from the carried state. The model must know its characters (charLstm({ vocab: corpus.vocab, ... })).
 */
export function sampleText(model: CharLstm, prompt: string, options: SampleOptions): string {
  const where = 'sampleText';
  if (model === null || typeof model !== 'object' || typeof (model as CharLstm).step !== 'function') throw new LayerError(`${where}: model must be a charLstm, got ${describeValue(model)}`);
  const chars = model.characters;
  if (!chars) throw new LayerError(`${where}: the model was built with vocab as a size; build it with the characters (charLstm({ vocab: corpus.vocab, ... })) to sample text`);
  if (typeof prompt !== 'string' || prompt.length === 0) throw new LayerError(`${where}: prompt must be a non-empty string, got ${describeValue(prompt)}`);
  if (options === null || typeof options !== 'object') throw new LayerError(`${where}: options must be { length, temperature?, seed? }, got ${describeValue(options)}`);
  const { length, temperature = 1, seed = 1 } = options;
  if (!Number.isInteger(length) || length < 1) throw new LayerError(`${where}: length must be an integer >= 1, got ${describeValue(length)}`);
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) throw new LayerError(`${where}: temperature must be a finite number >= 0, got ${describeValue(temperature)}`);
  if (!Number.isInteger(seed)) throw new LayerError(`${where}: seed must be an integer, got ${describeValue(seed)}`);
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = [...prompt].map((c, i) => {
    const id = index.get(c);
    if (id === undefined) throw new LayerError(`${where}: the prompt's character ${JSON.stringify(c)} at position ${i} is not in the model's vocabulary`);
    return id;
  });
  const wasTraining = model.training;
  model.eval();
  const random = seededRandom(seed);
  let out = '';
  let state: { h: tf.Tensor; c: tf.Tensor } | undefined;
  try {
    let input = tf.tensor2d([ids], [1, ids.length], 'int32');
    for (let n = 0; n < length; n++) {
      const r = model.step(input, state);
      const t = r.logits.shape[1] as number;
      const last = tf.tidy(() => tf.slice(r.logits, [0, t - 1, 0], [1, 1, -1]).dataSync() as Float32Array);
      tf.dispose([input, r.logits, ...(state ? [state.h, state.c] : [])]);
      state = r.state;
      const id = draw(last, temperature, random);
      out += chars[id];
      input = tf.tensor2d([[id]], [1, 1], 'int32');
    }
    input.dispose();
  } finally {
    if (state) tf.dispose([state.h, state.c]);
    if (wasTraining) model.train();
  }
  return out;
}
