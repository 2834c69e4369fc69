// A character corpus as fit / evaluate batches: token ids [batch, T] (int32 tensors), targets the ids
// shifted by one. The vocabulary is the run's (stored in run.json), so eval and convert read any text
// with the ids the model was trained on.
import * as tf from '@tensorflow/tfjs-core';
import { evaluate, type FitBatch, type LogitsFunction, type Module } from '@qatjs/core';
import { CharCorpus, DatasetError, type CorpusSplit } from '@qatjs/datasets';
import { badInput } from '../errors.ts';

/** The corpus with the ids of `vocab` (a run's); a character outside it is a one-line error. */
export function withVocab(corpus: CharCorpus, vocab: readonly string[], what: string): CharCorpus {
  if (corpus.vocab.length === vocab.length && corpus.vocab.every((c, i) => c === vocab[i])) return corpus;
  try {
    return CharCorpus.fromText(corpus.decode(corpus.ids), { vocab: [...vocab] });
  } catch (e) {
    if (e instanceof DatasetError) throw badInput(`${what}: the text does not fit the run's vocabulary of ${vocab.length} characters: ${e.message}`);
    throw e;
  }
}

/** Token batches of a split, each as int32 tensors, disposed when the consumer asks for the next. */
export function* tokenBatches(source: Iterable<{ x: Int32Array; y: Int32Array; shape: readonly [number, number] }>): Generator<FitBatch> {
  for (const b of source) {
    const x = tf.tensor2d(b.x, [...b.shape], 'int32');
    const y = tf.tensor2d(b.y, [...b.shape], 'int32');
    try {
      yield { x, y };
    } finally {
      tf.dispose([x, y]);
    }
  }
}

/** Windows of `seqLen` in a split: how many full batches it holds. */
export function windowCount(corpus: CharCorpus, split: CorpusSplit, seqLen: number, batchSize: number): number {
  return Math.floor(Math.floor((corpus.split(split).length - 1) / seqLen) / batchSize);
}

/** Bits per character of the model on a split (consecutive windows, at most `limit` windows). */
export async function modelBpc(model: Module | LogitsFunction, corpus: CharCorpus, seqLen: number, limit?: number): Promise<{ bpc: number; characters: number }> {
  const all = corpus.windows({ split: 'validation', seqLen, batchSize: 16 });
  const capped = limit === undefined ? all : take(all, Math.max(1, Math.ceil(limit / 16)));
  const r = await evaluate(model, tokenBatches(capped), { metric: 'bpc' });
  return { bpc: r.value, characters: r.count };
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const v of it) {
    if (i++ >= n) return;
    yield v;
  }
}
