// The MNIST CNN protocol: data, FP32 training, PTQ, QAT fine-tuning and evaluation, shared by the
// accuracy suite and its smoke test.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, fit, prepare, type Module, type Recipe } from '@qatjs/core';
import { batches, randomTranslate, type LabeledSet } from '@qatjs/datasets';

export interface Data {
  readonly train: LabeledSet;
  readonly test: LabeledSet;
}

export interface TrainConfig {
  readonly epochs: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly batchSize: number;
  /** Random shifts of up to this many pixels (0: none). */
  readonly maxShift: number;
  /** The value shifts bring in at the border (default 0: the background of unstandardized images). */
  readonly fill?: number;
  /** Global gradient-norm clipping (fit's clipNorm; default none). */
  readonly clipNorm?: number;
}

/** The training batches of one epoch: seeded shuffling and seeded shifts, the same on every run. */
export function epochBatches(set: LabeledSet, cfg: TrainConfig, seed: number) {
  return (epoch: number) =>
    (function* () {
      let i = 0;
      for (const b of batches(set, { batchSize: cfg.batchSize, seed, epoch, dropLast: true })) {
        if (cfg.maxShift === 0) {
          yield b;
          continue;
        }
        // row sequences [n, 28, 28] shift as the images [n, 28, 28, 1] they are
        const image = b.shape.length === 3 ? { ...b, shape: [...b.shape, 1] } : b;
        const shifted = randomTranslate(image, { maxShift: cfg.maxShift, seed: (seed * 7919 + epoch * 104729 + i++) >>> 0, fill: cfg.fill ?? 0 });
        yield { ...shifted, shape: b.shape };
      }
    })();
}

export async function train(model: Module, data: Data, cfg: TrainConfig, seed: number, maxSteps?: number): Promise<void> {
  await fit(model, {
    epochs: cfg.epochs,
    ...(maxSteps ? { maxSteps } : {}),
    batches: epochBatches(data.train, cfg, seed),
    optimizer: { kind: 'adam' },
    learningRate: { kind: 'cosine', initial: cfg.learningRate, warmupSteps: cfg.warmupSteps },
    ...(cfg.clipNorm ? { clipNorm: cfg.clipNorm } : {}),
  });
}

/** Top-1 accuracy (%) on the test set, in eval mode. */
export function accuracy(model: Module, set: LabeledSet, limit = Infinity): number {
  model.eval();
  let correct = 0;
  let seen = 0;
  for (const b of batches(set, { batchSize: 500 })) {
    if (seen >= limit) break;
    correct += tf.tidy(() => {
      const pred = tf.argMax(model.forward(tf.tensor(b.x, b.shape)), 1).dataSync();
      let c = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === b.y[i]) c++;
      return c;
    });
    seen += b.y.length;
  }
  model.train();
  return (100 * correct) / seen;
}

/** Post-training quantization: prepare, then calibrate on `batchCount` training batches. */
export async function ptq(model: Module, recipe: Recipe, data: Data, batchCount: number): Promise<void> {
  prepare(model, recipe, { onWarning: () => {} });
  const calib: tf.Tensor[] = [];
  for (const b of batches(data.train, { batchSize: 64, seed: 99 })) {
    if (calib.length === batchCount) break;
    calib.push(tf.tensor(b.x, b.shape));
  }
  await calibrate(model, calib);
  tf.dispose(calib);
}
