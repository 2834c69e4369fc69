import * as tf from '@tensorflow/tfjs-core';
import type { Module, ModuleOutput } from '../module/module.ts';
import { isTensor } from '../ops/fake-quantize.ts';
import type { FitBatch } from '../train/fit.ts';
import { QatjsError, describeValue } from '../util/errors.ts';

/** `accuracy`: share of argmax = class id, in percent. `bpc`: mean cross-entropy in bits per target (characters). */
export type Metric = 'accuracy' | 'bpc';

export interface EvaluateOptions {
  /** Default 'accuracy'. */
  readonly metric?: Metric;
}

export interface Evaluation {
  readonly metric: Metric;
  readonly value: number;
  /** Targets counted (samples, or characters for bpc). */
  readonly count: number;
}

function inputOf(b: FitBatch, i: number, who: string): tf.Tensor {
  if (b === null || typeof b !== 'object') throw new QatjsError(`${who}: batch ${i} must be { x, y, shape? }, got ${describeValue(b)}`);
  if (b.x instanceof tf.Tensor) return tf.clone(b.x);
  if (b.x instanceof Float32Array && Array.isArray(b.shape)) return tf.tensor(b.x, [...b.shape]);
  throw new QatjsError(`${who}: batch ${i}: x must be a tf.Tensor, or a Float32Array with a shape`);
}

function targetsOf(b: FitBatch, i: number): Int32Array {
  if (b.y instanceof Int32Array) return b.y;
  if (b.y instanceof tf.Tensor && b.y.dtype === 'int32') return b.y.dataSync() as Int32Array;
  throw new QatjsError(`evaluate: batch ${i}: y must be class ids (an Int32Array or an int32 tensor), got ${describeValue(b.y)}`);
}

/**
 * The logits of a float or fake-quant model for one input (eval mode for the call; the model's mode
 * is restored). x: a tensor, or a Float32Array with its shape [batch, ...]. The caller disposes the result.
 */
export function predict(model: Module<ModuleOutput>, x: tf.Tensor | Float32Array, shape?: readonly number[]): tf.Tensor {
  if (model === null || typeof model !== 'object' || typeof (model as Module).forward !== 'function') throw new QatjsError(`predict: model must be a Module, got ${describeValue(model)}`);
  const input = inputOf({ x, y: new Int32Array(0), ...(shape ? { shape } : {}) }, 0, 'predict');
  const was = model.training;
  model.eval();
  try {
    const y = tf.tidy(() => model.forward(input));
    if (!isTensor(y)) throw new QatjsError(`predict: the model returned named tensors (${Object.keys(y).join(', ')}); predict takes models of one output`);
    return y;
  } finally {
    input.dispose();
    model.train(was);
  }
}

/** Accumulates a metric over rows of logits (the last axis) and their class ids. */
export function scoreLogits(logits: ArrayLike<number>, targets: ArrayLike<number>, classes: number, metric: Metric): { sum: number; count: number } {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const at = i * classes;
    const t = targets[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new QatjsError(`evaluate: target ${t} (row ${i}) is not a class id in 0..${classes - 1}`);
    if (metric === 'accuracy') {
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[at + c]! > logits[at + best]!) best = c;
      if (best === t) sum++;
    } else {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[at + c]!);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp(logits[at + c]! - max);
      sum += (Math.log(z) + max - logits[at + t]!) / Math.LN2;
    }
  }
  return { sum, count: targets.length };
}

export const finishMetric = (metric: Metric, sum: number, count: number): Evaluation => ({ metric, value: metric === 'accuracy' ? (100 * sum) / count : sum / count, count });

export function checkMetric(metric: unknown, who: string): Metric {
  if (metric === undefined) return 'accuracy';
  if (metric !== 'accuracy' && metric !== 'bpc') throw new QatjsError(`${who}: metric must be 'accuracy' or 'bpc', got ${describeValue(metric)}`);
  return metric;
}

/**
 * Any model as a function: the logits (rows of classes, or of vocabulary entries) of a batch of inputs
 * given as a Float32Array and its shape [batch, ...]. An int session: `(x) => session.run({ input: x }).output`.
 */
export type LogitsFunction = (x: Float32Array, shape: readonly number[]) => ArrayLike<number>;

function logitsOf(model: Module<ModuleOutput> | LogitsFunction, b: FitBatch, i: number, rows: number): { values: ArrayLike<number>; classes: number } {
  if (typeof model === 'function') {
    let x: Float32Array;
    let shape: readonly number[];
    if (b.x instanceof tf.Tensor) {
      x = b.x.dataSync() as Float32Array;
      shape = b.x.shape;
    } else if (b.x instanceof Float32Array && Array.isArray(b.shape)) {
      x = b.x;
      shape = b.shape;
    } else throw new QatjsError(`evaluate: batch ${i}: x must be a tf.Tensor, or a Float32Array with a shape`);
    const values = model(x, shape);
    if (values?.length === undefined || rows === 0 || values.length % rows !== 0) throw new QatjsError(`evaluate: batch ${i}: the function gave ${values?.length} logits for ${rows} targets`);
    return { values, classes: values.length / rows };
  }
  const logits = predict(model, b.x, b.shape);
  const classes = logits.shape[logits.rank - 1]!;
  const values = logits.dataSync();
  logits.dispose();
  return { values, classes };
}

/**
 * Evaluates a float or fake-quant model, or any model given as a LogitsFunction (an int session), on batches (the batches fit takes: typed arrays with a shape,
 * or tensors; y class ids). Accuracy in percent (argmax of the last axis), or bits per character
 * (cross-entropy in bits, averaged over every target; logits [..., vocab], targets of the same leading shape).
 */
export async function evaluate(model: Module<ModuleOutput> | LogitsFunction, batches: Iterable<FitBatch> | AsyncIterable<FitBatch>, options: EvaluateOptions = {}): Promise<Evaluation> {
  if (options === null || typeof options !== 'object') throw new QatjsError(`evaluate: options must be an object, got ${describeValue(options)}`);
  if (typeof model !== 'function' && (model === null || typeof model !== 'object' || typeof (model as Module).forward !== 'function')) {
    throw new QatjsError(`evaluate: model must be a Module or a function (x, shape) => logits, got ${describeValue(model)}`);
  }
  const metric = checkMetric(options.metric, 'evaluate');
  if (batches == null || (typeof (batches as Iterable<unknown>)[Symbol.iterator] !== 'function' && typeof (batches as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')) {
    throw new QatjsError(`evaluate: batches must be an iterable of { x, y, shape? }, got ${describeValue(batches)}`);
  }
  let sum = 0;
  let count = 0;
  let i = 0;
  for await (const b of batches) {
    const targets = targetsOf(b, i);
    const { values, classes } = logitsOf(model, b, i, targets.length);
    if (values.length !== targets.length * classes) throw new QatjsError(`evaluate: batch ${i}: ${values.length / classes} rows of logits but ${targets.length} targets`);
    const s = scoreLogits(values, targets, classes, metric);
    sum += s.sum;
    count += s.count;
    i++;
  }
  if (count === 0) throw new QatjsError('evaluate: no batches (or only empty ones) were given');
  return finishMetric(metric, sum, count);
}
