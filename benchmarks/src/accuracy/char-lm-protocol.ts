// The tiny-shakespeare character-model protocol shared by the transformer accuracy suite and its smoke
// run: model size, FP32 training (AdamW, warm-up + cosine, a wall-clock budget), PTQ calibration, QAT
// fine-tuning from the FP32 weights, and validation bits per character (the last 10% of the text).
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, prepare, type Module, type Recipe } from '@qatjs/core';
import { bitsPerChar, charTransformer, trainLanguageModel, type CharTransformer } from '@qatjs/adapter-transformer';
import type { CharCorpus } from '@qatjs/datasets';

export interface ModelSize {
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  readonly context: number;
}

export interface TrainConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  /** Adam's beta2. */
  readonly beta2: number;
  /** Wall-clock budget of the training (ms); the schedule follows it when it runs out before `steps`. */
  readonly budgetMs?: number;
}

export function makeModel(corpus: CharCorpus, size: ModelSize, seed: number): CharTransformer {
  return charTransformer({ vocab: corpus.vocabSize, ...size, seed });
}

/** Trains on random training windows (seeded); returns steps taken, seconds and the last losses' mean. */
export function train(model: Module, corpus: CharCorpus, size: ModelSize, cfg: TrainConfig, seed: number, log?: (line: string) => void) {
  const started = Date.now();
  const r = trainLanguageModel(model, {
    batches: corpus.randomWindows({ split: 'train', seqLen: size.context, batchSize: cfg.batchSize, seed, steps: cfg.steps }),
    steps: cfg.steps,
    learningRate: cfg.learningRate,
    warmupSteps: cfg.warmupSteps,
    weightDecay: cfg.weightDecay,
    beta2: cfg.beta2,
    ...(cfg.budgetMs ? { budgetMs: cfg.budgetMs } : {}),
    onProgress: (p) => {
      if (log && p.step % 100 === 0) log(`    step ${p.step}: loss ${p.loss.toFixed(3)} nats, lr ${p.learningRate.toExponential(2)}, ${(p.elapsedMs / p.step).toFixed(0)} ms/step`);
    },
  });
  const tail = r.losses.slice(-50);
  return { steps: r.steps, trainSeconds: Math.round((Date.now() - started) / 1000), msPerStep: Math.round(r.msPerStep), finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length };
}

/** Validation bits per character over consecutive windows (the first `limit` windows batches). */
export function validationBpc(model: Module, corpus: CharCorpus, size: ModelSize, limit = Infinity): number {
  const chosen = [];
  for (const b of corpus.windows({ split: 'validation', seqLen: size.context, batchSize: 64 })) {
    if (chosen.length >= limit) break;
    chosen.push(b);
  }
  return bitsPerChar(model, chosen);
}

/** Post-training quantization: prepare, then calibrate on `batchCount` training batches. */
export async function ptq(model: Module, recipe: Recipe, corpus: CharCorpus, size: ModelSize, batchCount: number): Promise<void> {
  prepare(model, recipe, { onWarning: () => {} });
  const calib: tf.Tensor[] = [];
  for (const b of corpus.randomWindows({ split: 'train', seqLen: size.context, batchSize: 32, seed: 99, steps: batchCount })) {
    calib.push(tf.tensor2d(b.x, b.shape, 'int32'));
  }
  await calibrate(model, calib);
  tf.dispose(calib);
}
