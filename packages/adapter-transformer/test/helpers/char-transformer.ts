// The character transformers of the convert tests, here and in @qatjs/onnx's export tests (which
// import this file): 2 layers x 32, trained briefly on tiny-shakespeare; and the w8a8-res16 one
// (an int16 residual stream), calibrated PTQ-style.
import * as tf from '@tensorflow/tfjs-core';
import { prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { charTransformer, trainLanguageModel, transformerPreset, type CharTransformer } from '@qatjs/adapter-transformer';
import type { CharCorpus, SequenceBatch } from '@qatjs/datasets';

/** `steps` batches of 8 random training windows of `context` characters, drawn with `seed`. */
export function trainWindows(corpus: CharCorpus, context: number, steps: number, seed: number): IterableIterator<SequenceBatch> {
  return corpus.randomWindows({ split: 'train', seqLen: context, batchSize: 8, seed, steps });
}

export interface BriefTraining {
  /** The model's initialization seed. */
  readonly seed: number;
  /** Float training steps (learning rate 1e-2) on trainWindows drawn with `windowSeed`. */
  readonly steps: number;
  readonly windowSeed: number;
  readonly warmupSteps: number;
}

/** A 2 x 32 character transformer of `context` tokens, trained in float as `t` says. */
export function trainedCharTransformer(corpus: CharCorpus, context: number, t: BriefTraining): CharTransformer {
  const m = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 2, context, seed: t.seed });
  trainLanguageModel(m, { batches: trainWindows(corpus, context, t.steps, t.windowSeed), steps: t.steps, learningRate: 1e-2, warmupSteps: t.warmupSteps });
  return m;
}

/**
 * trainedCharTransformer, prepared with w8a8-res16 (min/max observers) and calibrated: the observers
 * see `calibration.batches` trainWindows drawn with `calibration.seed`, run in training mode. In eval mode.
 */
export function res16CharTransformer(corpus: CharCorpus, context: number, t: BriefTraining & { readonly calibration: { readonly batches: number; readonly seed: number } }): CharTransformer {
  const m = trainedCharTransformer(corpus, context, t);
  prepare(m, transformerPreset('w8a8-res16', { observer: 'minMax' }), { onWarning: () => {} });
  m.train();
  for (const b of trainWindows(corpus, context, t.calibration.batches, t.calibration.seed)) tf.tidy(() => m.forward(tf.tensor2d(b.x, b.shape, 'int32')));
  m.eval();
  return m;
}
