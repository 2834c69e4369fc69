import { QatjsError, convert, describeValue, type Module } from '@qatjs/core';
import type { IntModel } from '@qatjs/ir';
import type { NextLogits } from './generate.ts';

/** An integer language model's session (a @qatjs/backend-wasm IntSession): int32 tokens [1, length] in, logits [1, length, vocab] out. */
export interface TokenSession {
  run(inputs: Readonly<Record<string, Int32Array>>): Readonly<Record<string, ArrayLike<number>>>;
}

/** One session of a causal model converted at a fixed sequence length. */
export interface LengthBucket {
  readonly length: number;
  readonly session: TokenSession;
}

/**
 * The sequence lengths to convert a causal model at for generation: powers of two from `smallest`
 * (default 8) below `context`, and `context` itself. `lengthBuckets(64)` is [8, 16, 32, 64].
 */
export function lengthBuckets(context: number, smallest = 8): number[] {
  if (!Number.isInteger(context) || context < 1) throw new QatjsError(`lengthBuckets: context must be an integer >= 1, got ${describeValue(context)}`);
  if (!Number.isInteger(smallest) || smallest < 1) throw new QatjsError(`lengthBuckets: smallest must be an integer >= 1, got ${describeValue(smallest)}`);
  const out: number[] = [];
  for (let l = smallest; l < context; l *= 2) out.push(l);
  return [...out, context];
}

/**
 * The integer models of a prepared (trained) causal language model at each sequence length, for
 * bucketedNextLogits: int32 token inputs named `input`, logits out. The integer ops need static
 * sequence lengths (the attention's p·v accumulates over them), hence one model per length.
 */
export function convertAtLengths(model: Module, lengths: readonly number[]): { length: number; model: IntModel }[] {
  return lengths.map((length) => ({ length, model: convert(model, { inputShape: [length], input: { dtype: 'int32' } }) }));
}

/**
 * NextLogits over sessions of one causal model converted at several sequence lengths: a window of n
 * tokens runs on the shortest bucket holding it, padded at the end (the causal mask hides the padding
 * from the positions before it, so row n - 1 is what the model gives for the window alone), and the
 * logits of row n - 1 are returned. A window longer than every bucket is an error.
 */
export function bucketedNextLogits(buckets: readonly LengthBucket[], options: { vocab: number; input?: string; output?: string }): NextLogits {
  if (!Array.isArray(buckets) || buckets.length === 0) throw new QatjsError('bucketedNextLogits: give at least one { length, session }');
  for (const b of buckets) {
    if (!Number.isInteger(b?.length) || b.length < 1 || typeof b.session?.run !== 'function') {
      throw new QatjsError(`bucketedNextLogits: each bucket must be { length: integer >= 1, session: { run } }, got ${describeValue(b)}`);
    }
  }
  const vocab = options?.vocab;
  if (!Number.isInteger(vocab) || vocab < 1) throw new QatjsError(`bucketedNextLogits: vocab must be an integer >= 1, got ${describeValue(vocab)}`);
  const [input, output] = [options.input ?? 'input', options.output ?? 'output'];
  const sorted = [...buckets].sort((a, b) => a.length - b.length);
  const padded = sorted.map((b) => new Int32Array(b.length));
  return (window) => {
    const i = sorted.findIndex((b) => b.length >= window.length);
    if (i < 0 || window.length === 0) {
      throw new QatjsError(`bucketedNextLogits: a window of ${window.length} tokens; the buckets hold 1 to ${sorted[sorted.length - 1].length}`);
    }
    const tokens = padded[i];
    tokens.fill(0);
    tokens.set(window);
    const logits = sorted[i].session.run({ [input]: tokens })[output];
    if (!logits || logits.length !== sorted[i].length * vocab) {
      throw new QatjsError(`bucketedNextLogits: output '${output}' of the length-${sorted[i].length} session must hold ${sorted[i].length} x ${vocab} logits`);
    }
    const [from, to] = [(window.length - 1) * vocab, window.length * vocab];
    return logits instanceof Float32Array ? logits.subarray(from, to) : Array.from({ length: vocab }, (_, v) => logits[from + v]);
  };
}
