import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, describeValue } from '../util/errors.ts';
import { CheckpointError } from './checkpoint-format.ts';

/** The optimizers fit() builds: tfjs's own SGD (with optional momentum) and Adam. */
export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly momentum?: number; readonly nesterov?: boolean }
  | { readonly kind: 'adam'; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number };

export function validateOptimizerConfig(c: unknown): OptimizerConfig {
  const where = 'fit: optimizer';
  if (c === null || typeof c !== 'object') throw new QatjsError(`${where} must be { kind: 'sgd' | 'adam', ... }, got ${describeValue(c)}`);
  const o = c as Record<string, unknown>;
  const inOpen01 = (key: string, v: unknown, allowZero = false) => {
    if (v !== undefined && !(typeof v === 'number' && (allowZero ? v >= 0 : v > 0) && v < 1)) {
      throw new QatjsError(`${where}.${key} must be a number in ${allowZero ? '[0' : '(0'}, 1), got ${describeValue(v)}`);
    }
  };
  if (o.kind === 'sgd') {
    inOpen01('momentum', o.momentum, true);
    if (o.nesterov !== undefined && typeof o.nesterov !== 'boolean') throw new QatjsError(`${where}.nesterov must be a boolean`);
  } else if (o.kind === 'adam') {
    inOpen01('beta1', o.beta1, true);
    inOpen01('beta2', o.beta2, true);
    if (o.epsilon !== undefined && !(typeof o.epsilon === 'number' && o.epsilon > 0 && Number.isFinite(o.epsilon))) {
      throw new QatjsError(`${where}.epsilon must be a positive number, got ${describeValue(o.epsilon)}`);
    }
  } else {
    throw new QatjsError(`${where}.kind must be 'sgd' or 'adam', got ${describeValue(o.kind)}`);
  }
  return c as OptimizerConfig;
}

export function createOptimizer(config: OptimizerConfig, learningRate: number): tf.Optimizer {
  if (config.kind === 'adam') return tf.train.adam(learningRate, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.epsilon);
  if (config.momentum) return tf.train.momentum(learningRate, config.momentum, config.nesterov ?? false);
  return tf.train.sgd(learningRate);
}

interface LearningRateSettable {
  setLearningRate?(lr: number): void;
  learningRate: number;
}

/** Sets the learning rate for the next step (Adam reads the field; SGD and momentum keep a tensor). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as LearningRateSettable;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** An optimizer's state as plain arrays: its weights (in tfjs's order) and Adam's bias-correction terms. */
export interface OptimizerState {
  readonly weights: Array<{ readonly name: string; readonly shape: number[]; readonly dtype: 'float32' | 'int32'; readonly values: Float32Array | Int32Array }>;
  /** Adam's running beta1^t and beta2^t, restored exactly (tfjs's setWeights recomputes them with pow, which differs in the last bit). */
  readonly accBeta?: readonly [number, number];
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

export async function optimizerState(opt: tf.Optimizer): Promise<OptimizerState> {
  const named = await opt.getWeights();
  const weights = named.map(({ name, tensor }) => ({
    name,
    shape: [...tensor.shape],
    dtype: tensor.dtype === 'int32' ? ('int32' as const) : ('float32' as const),
    values: tensor.dtype === 'int32' ? Int32Array.from(tensor.dataSync()) : Float32Array.from(tensor.dataSync()),
  }));
  // getWeights() makes a fresh tensor for the iteration count; free it.
  for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  const a = opt as unknown as AdamInternals;
  const accBeta = a.accBeta1 && a.accBeta2 ? ([a.accBeta1.dataSync()[0], a.accBeta2.dataSync()[0]] as const) : undefined;
  return accBeta ? { weights, accBeta } : { weights };
}

const shapeText = (s: readonly number[]) => `[${s.join(',')}]`;

/**
 * Checks a saved optimizer state against the optimizer fit() builds from `config` for these trainable
 * variables (in fit's order), without touching anything: tfjs's layout is the iteration count (int32
 * scalar), then one slot per variable (SGD with momentum) or two (Adam: first moments, then second
 * moments), each float32 in its variable's shape. Plain SGD has no slots.
 */
export function checkOptimizerState(config: OptimizerConfig, vars: readonly tf.Variable[], state: OptimizerState): void {
  const slots = config.kind === 'adam' ? 2 : config.momentum ? 1 : 0;
  const what = config.kind === 'adam' ? 'Adam' : slots ? 'SGD with momentum' : 'SGD';
  const w = state?.weights;
  if (!Array.isArray(w)) throw new CheckpointError('checkpoint optimizer state has no weights list');
  const expected = 1 + slots * vars.length;
  if (w.length !== expected) {
    throw new CheckpointError(
      `checkpoint optimizer state holds ${w.length} weights, but ${what} over this model's ${vars.length} trainable variables keeps ${expected} ` +
        `(was it saved with another optimizer or model?)`,
    );
  }
  const iter = w[0];
  if (iter.dtype !== 'int32' || iter.shape.length !== 0 || iter.values.length !== 1 || !(iter.values[0] >= 0)) {
    throw new CheckpointError(`checkpoint optimizer weight 0 must be the iteration count (an int32 scalar >= 0), got ${iter.dtype} ${shapeText(iter.shape)}`);
  }
  for (let i = 1; i < w.length; i++) {
    const v = vars[(i - 1) % vars.length];
    const s = w[i];
    if (s.dtype !== 'float32' || !(s.values instanceof Float32Array)) throw new CheckpointError(`checkpoint optimizer weight ${i} ('${s.name}') must be float32, got ${s.dtype}`);
    if (s.shape.length !== v.shape.length || s.shape.some((d, k) => d !== v.shape[k]) || s.values.length !== v.size) {
      throw new CheckpointError(`checkpoint optimizer weight ${i} ('${s.name}') has shape ${shapeText(s.shape)}, but its variable has shape ${shapeText(v.shape)}`);
    }
  }
  if (state.accBeta !== undefined && config.kind !== 'adam') throw new CheckpointError(`checkpoint optimizer state is Adam's, but this run uses ${what}`);
}

/** Restores a fresh optimizer (one that has taken no step) to a saved state (checked with checkOptimizerState). */
export async function loadOptimizerState(opt: tf.Optimizer, state: OptimizerState): Promise<void> {
  const tensors = state.weights.map(({ name, shape, dtype, values }) => ({ name, tensor: tf.tensor(values, shape, dtype) }));
  try {
    await opt.setWeights(tensors);
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
  const a = opt as unknown as AdamInternals;
  const accBeta = state.accBeta;
  if (accBeta && a.accBeta1 && a.accBeta2) {
    tf.tidy(() => {
      a.accBeta1?.assign(tf.scalar(accBeta[0]));
      a.accBeta2?.assign(tf.scalar(accBeta[1]));
    });
  }
}

/** Frees everything an optimizer holds (tfjs's momentum optimizer forgets its learning-rate scalar). */
export function disposeOptimizer(opt: tf.Optimizer): void {
  opt.dispose();
  const c = (opt as unknown as { c?: tf.Tensor }).c;
  if (c instanceof tf.Tensor && !c.isDisposed) c.dispose();
}
