import * as tf from '@tensorflow/tfjs-core';
import { applySchedule, type Module } from '@qatjs/core';
import { batches, type LabeledSet } from '@qatjs/datasets';

export interface TrainOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Called after each step with the step number (0-based) and the loss. */
  readonly onStep?: (step: number, loss: number) => void;
}

function tensors(set: LabeledSet, x: Float32Array, y: Int32Array) {
  const shape = [y.length, ...set.shape.slice(1)];
  return tf.tidy(() => ({ xs: tf.tensor(x, shape), ys: tf.oneHot(tf.tensor1d(y, 'int32'), set.numClasses) }));
}

/**
 * The sum of the attached quantizers' regularization terms (PACT's L2 penalty on alpha), or
 * undefined when none has one. Call it inside the loss function so its gradients reach the quantizers.
 */
export function quantizerRegularization(model: Module): tf.Scalar | undefined {
  const terms = model.namedQuantizers().flatMap(([, q]) => q.regularizationLoss?.() ?? []);
  return terms.length === 0 ? undefined : (tf.addN(terms) as tf.Scalar);
}

/**
 * Adam on softmax cross-entropy plus the quantizers' regularization terms, for a fixed number of
 * steps, epochs reshuffled by seed. Returns the losses (regularization included).
 */
export function trainClassifier(model: Module, set: LabeledSet, o: TrainOptions): number[] {
  const opt = tf.train.adam(o.learningRate);
  const vars = model.trainableVariables();
  const losses: number[] = [];
  model.train();
  let step = 0;
  for (let epoch = 0; step < o.steps; epoch++) {
    for (const b of batches(set, { batchSize: o.batchSize, seed: o.seed, epoch, dropLast: true })) {
      if (step >= o.steps) break;
      if (model.quantController) applySchedule(model, step);
      const { xs, ys } = tensors(set, b.x, b.y);
      const loss = opt.minimize(
        () => {
          const data = tf.losses.softmaxCrossEntropy(ys, model.forward(xs)) as tf.Scalar;
          const reg = quantizerRegularization(model);
          return reg ? tf.add(data, reg) : data;
        },
        true,
        vars,
      );
      const value = loss?.dataSync()[0] ?? NaN;
      tf.dispose([xs, ys, loss ?? []]);
      losses.push(value);
      o.onStep?.(step, value);
      step++;
    }
  }
  opt.dispose();
  return losses;
}

/** Top-1 accuracy in percent, in eval mode (restores the previous mode). */
export function accuracy(model: Module, set: LabeledSet, batchSize = 256): number {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  for (const b of batches(set, { batchSize })) {
    correct += tf.tidy(() => {
      const logits = model.forward(tf.tensor(b.x, [b.y.length, ...set.shape.slice(1)]));
      const pred = tf.argMax(logits, 1).dataSync();
      let c = 0;
      for (let i = 0; i < b.y.length; i++) if (pred[i] === b.y[i]) c++;
      return c;
    });
  }
  model.train(wasTraining);
  return (100 * correct) / set.y.length;
}
