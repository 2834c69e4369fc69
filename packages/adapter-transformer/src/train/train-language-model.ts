import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError, QatjsError, clipGlobalNorm, describeValue, learningRateAt, type Module } from '@qatjs/core';
import { AdamW } from './adamw.ts';
import { lmLoss } from './lm-loss.ts';
import { checkTokenBatch, type TokenBatch } from './sequence-batch.ts';

export interface TrainLanguageModelOptions {
  /** Training batches; the first `steps` are used. */
  readonly batches: Iterable<TokenBatch>;
  /** The most steps; the schedule spans them (or the time budget, whichever runs out first). */
  readonly steps: number;
  /**
   * A wall-clock budget in milliseconds: training stops when it is spent, and the warm-up and cosine
   * schedule follow max(step / steps, elapsed / budget), so a slower machine takes fewer steps
   * through the same schedule. Default: none (exactly `steps` steps).
   */
  readonly budgetMs?: number;
  /** Peak learning rate, reached after `warmupSteps` linear steps, then cosine decay to `finalLearningRate`. */
  readonly learningRate: number;
  readonly warmupSteps?: number;
  /** Default learningRate / 10. */
  readonly finalLearningRate?: number;
  /** AdamW's decoupled weight decay on matrices (rank >= 2), default 0.1. */
  readonly weightDecay?: number;
  /** Adam's beta2, default 0.95 (nanoGPT's for small batches: 0.99). */
  readonly beta2?: number;
  /** Clip the global gradient norm to this (default 1; 0 turns clipping off). */
  readonly clipNorm?: number;
  /** Called after each step. */
  readonly onProgress?: (p: { step: number; loss: number; learningRate: number; elapsedMs: number }) => void;
}

export interface TrainLanguageModelResult {
  /** Steps taken (fewer than asked when the time budget ran out). */
  readonly steps: number;
  /** Loss (nats) of each step. */
  readonly losses: Float32Array;
  /** Mean milliseconds per step, excluding the first (tfjs warms up). */
  readonly msPerStep: number;
}

function checkOptions(o: TrainLanguageModelOptions): void {
  const where = 'trainLanguageModel';
  if (o === null || typeof o !== 'object') throw new QatjsError(`${where}: options must be an object, got ${describeValue(o)}`);
  if (!o.batches || typeof (o.batches as Iterable<TokenBatch>)[Symbol.iterator] !== 'function') throw new QatjsError(`${where}: batches must be an iterable of token batches`);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new QatjsError(`${where}: steps must be an integer >= 1, got ${describeValue(o.steps)}`);
  const nonNeg = (v: unknown, name: string) => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new QatjsError(`${where}: ${name} must be a finite number >= 0, got ${describeValue(v)}`);
  };
  if (!(typeof o.learningRate === 'number' && Number.isFinite(o.learningRate) && o.learningRate > 0)) throw new QatjsError(`${where}: learningRate must be a number > 0, got ${describeValue(o.learningRate)}`);
  nonNeg(o.finalLearningRate, 'finalLearningRate');
  nonNeg(o.weightDecay, 'weightDecay');
  nonNeg(o.clipNorm, 'clipNorm');
  if (o.budgetMs !== undefined && !(typeof o.budgetMs === 'number' && o.budgetMs > 0)) throw new QatjsError(`${where}: budgetMs must be a number > 0, got ${describeValue(o.budgetMs)}`);
  if (o.warmupSteps !== undefined && !(Number.isInteger(o.warmupSteps) && o.warmupSteps >= 0)) throw new QatjsError(`${where}: warmupSteps must be an integer >= 0, got ${describeValue(o.warmupSteps)}`);
  if (o.beta2 !== undefined && !(typeof o.beta2 === 'number' && o.beta2 > 0 && o.beta2 < 1)) throw new QatjsError(`${where}: beta2 must be in (0, 1), got ${describeValue(o.beta2)}`);
}

/**
 * Trains a language model (tokens [B, T] -> logits [B, T, V]) on next-token cross-entropy with AdamW,
 * linear warm-up and cosine decay, and global-norm gradient clipping. A prepared model (QAT) follows
 * its recipe's schedule (applySchedule per step). The model is left in training mode.
 */
export function trainLanguageModel(model: Module, o: TrainLanguageModelOptions): TrainLanguageModelResult {
  if (model === null || typeof model !== 'object' || typeof (model as Module).trainableVariables !== 'function') throw new QatjsError('trainLanguageModel: model must be a Module');
  checkOptions(o);
  const vars = model.trainableVariables();
  const decayed = new Set(vars.filter((v) => v.rank >= 2));
  const schedule = { kind: 'cosine' as const, initial: o.learningRate, final: o.finalLearningRate ?? o.learningRate / 10, warmupSteps: o.warmupSteps ?? 0 };
  const opt = new AdamW(o.weightDecay ?? 0.1, 0.9, o.beta2 ?? 0.95);
  const clip = o.clipNorm ?? 1;
  const losses = new Float32Array(o.steps);
  const started = Date.now();
  let afterFirst = started;
  let step = 0;
  model.train();
  try {
    for (const raw of o.batches) {
      if (step >= o.steps) break;
      const b = checkTokenBatch(raw, 'trainLanguageModel');
      model.quantController?.applySchedule(step);
      // progress through the schedule, in steps of it: by count, or by time when the budget runs faster
      const elapsed = Date.now() - started;
      if (o.budgetMs !== undefined && elapsed >= o.budgetMs) break;
      const at = o.budgetMs === undefined ? step : Math.max(step, Math.floor((elapsed / o.budgetMs) * o.steps));
      const lr = learningRateAt(schedule, at, o.steps);
      const x = tf.tensor2d(b.x, [b.shape[0], b.shape[1]], 'int32');
      const y = tf.tensor2d(b.y, [b.shape[0], b.shape[1]], 'int32');
      try {
        const { value, grads } = tf.variableGrads(() => lmLoss(model.forward(x), y), vars);
        const ordered: tf.NamedTensorMap = {};
        for (const v of vars) ordered[v.name] = grads[v.name] ?? tf.zerosLike(v);
        const loss = value.dataSync()[0];
        const clipped = clip > 0 ? clipGlobalNorm(ordered, clip, 'trainLanguageModel') : ordered;
        if (!Number.isFinite(loss)) throw new NonFiniteError(`trainLanguageModel: the loss is ${loss} at step ${step}`);
        opt.step(clipped, vars, decayed, lr);
        tf.dispose([value, ...Object.values(grads), ...Object.values(ordered), ...(clipped === ordered ? [] : Object.values(clipped))]);
        losses[step] = loss;
      } finally {
        tf.dispose([x, y]);
      }
      step++;
      if (step === 1) afterFirst = Date.now();
      o.onProgress?.({ step, loss: losses[step - 1], learningRate: lr, elapsedMs: Date.now() - started });
    }
  } finally {
    opt.dispose();
  }
  if (step < o.steps && o.budgetMs === undefined) throw new QatjsError(`trainLanguageModel: batches gave ${step} batches, fewer than steps (${o.steps})`);
  return { steps: step, losses: losses.slice(0, step), msPerStep: step > 1 ? (Date.now() - afterFirst) / (step - 1) : Date.now() - started };
}
