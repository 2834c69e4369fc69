import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, describeValue, type Module } from '@qatjs/core';

/** The logits of the last position of `window` (ids of at most `context` tokens). */
export type NextLogits = (window: Int32Array) => ArrayLike<number>;

/**
 * Greedy decoding: appends `count` tokens to `prompt`, each the argmax (first of equal maxima) of
 * `next` on the last `context` tokens. Returns the generated ids (without the prompt).
 */
export function generateGreedy(next: NextLogits, prompt: ArrayLike<number>, count: number, context: number): Int32Array {
  if (typeof next !== 'function') throw new QatjsError(`generateGreedy: next must be a function (window) => logits, got ${describeValue(next)}`);
  if (!Number.isInteger(count) || count < 0) throw new QatjsError(`generateGreedy: count must be an integer >= 0, got ${describeValue(count)}`);
  if (!Number.isInteger(context) || context < 1) throw new QatjsError(`generateGreedy: context must be an integer >= 1, got ${describeValue(context)}`);
  if (!prompt || prompt.length === 0) throw new QatjsError('generateGreedy: the prompt needs at least one token');
  const ids = Array.from(prompt);
  for (let i = 0; i < count; i++) {
    const logits = next(Int32Array.from(ids.slice(-context)));
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
    ids.push(best);
  }
  return Int32Array.from(ids.slice(prompt.length));
}

/** NextLogits of a tfjs language model (tokens [1, n] -> logits [1, n, V]), in eval mode. */
export function nextLogitsOf(model: Module): NextLogits {
  return (window) =>
    tf.tidy(() => {
      model.eval();
      const logits = model.forward(tf.tensor2d(window, [1, window.length], 'int32'));
      const v = logits.shape[2] as number;
      return tf.slice(logits, [0, window.length - 1, 0], [1, 1, v]).dataSync() as Float32Array;
    });
}
