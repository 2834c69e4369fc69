// What qat train needs of its data, the same for both tasks: the samples as the model reads them,
// batches for fit, calibration inputs and the test metric (accuracy %, or bits per character).
import * as tf from '@tensorflow/tfjs-core';
import type { FitBatch, Module } from '@qatjs/core';
import { batches, batchCount } from '@qatjs/datasets';
import { asSamples, type Data } from './data/load.ts';
import { modelBpc, tokenBatches, windowCount, withVocab } from './data/text-batches.ts';
import { modelAccuracy } from './evaluate.ts';
import { sampleShapeOf, type ModelEntry } from './models/registry.ts';

/** Test characters (windows of the sequence length) that train and eval score a language model on. */
export const BPC_WINDOWS = 64;

export interface TrainData {
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** A language model's characters (id i is vocab[i]), stored with the run. */
  readonly vocab?: readonly string[];
  readonly trainSize: number;
  readonly stepsPerEpoch: (batchSize: number) => number;
  readonly batches: (o: { batchSize: number; seed: number; epoch: number }) => Iterable<FitBatch>;
  /** Calibration inputs (the caller disposes them). */
  readonly calibration: (batchSize: number, count: number) => tf.Tensor[];
  /** The test metric: { accuracy } (%) or { bpc }. */
  readonly score: (model: Module) => Promise<Record<string, number>>;
}

/** The data as `entry`'s model reads it; `vocab`: a run's vocabulary (eval of another text). */
export function trainData(entry: ModelEntry, data: Data, vocab?: readonly string[]): TrainData {
  if (data.task === 'classification') {
    const d = asSamples(data, sampleShapeOf(entry, data.inputShape));
    return {
      inputShape: d.inputShape, classes: d.numClasses, trainSize: d.train.y.length,
      stepsPerEpoch: (batchSize) => batchCount(d.train.y.length, batchSize, true),
      batches: (o) => batches(d.train, { ...o, dropLast: true }),
      calibration: (batchSize, count) => [...batches(d.train, { batchSize, seed: 7 })].slice(0, count).map((b) => tf.tensor(b.x, b.shape)),
      score: async (model) => ({ accuracy: await modelAccuracy(model, d.test) }),
    };
  }
  const corpus = vocab ? withVocab(data.corpus, vocab, data.name) : data.corpus;
  const inputShape = sampleShapeOf(entry, []);
  const seqLen = inputShape[0]!;
  return {
    inputShape, classes: corpus.vocabSize, vocab: corpus.vocab, trainSize: Math.floor((corpus.train.length - 1) / seqLen),
    stepsPerEpoch: (batchSize) => windowCount(corpus, 'train', seqLen, batchSize),
    batches: (o) => tokenBatches(corpus.randomWindows({ split: 'train', seqLen, batchSize: o.batchSize, seed: o.seed * 1000 + o.epoch, steps: windowCount(corpus, 'train', seqLen, o.batchSize) })),
    calibration: (batchSize, count) => [...corpus.randomWindows({ split: 'train', seqLen, batchSize, seed: 7, steps: count })].map((b) => tf.tensor2d(b.x, [...b.shape], 'int32')),
    score: async (model) => ({ bpc: (await modelBpc(model, corpus, seqLen, BPC_WINDOWS)).bpc }),
  };
}
