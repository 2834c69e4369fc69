import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../module/module.ts';
import { NonFiniteError, QatjsError, describeValue } from '../util/errors.ts';
import { disposeAbandonedTape } from './abandoned-tape.ts';
import { clipGlobalNorm } from './clip-global-norm.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointProgress } from './checkpoint-format.ts';
import { checkpointStem, goodFile, listCheckpoints, stepFile } from './checkpoint-names.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import { learningRateAt, validateLearningRate, type LearningRateSchedule } from './learning-rate.ts';
import { captureModel, checkModelState, restoreModel } from './model-state.ts';
import {
  checkOptimizerState,
  createOptimizer,
  disposeOptimizer,
  loadOptimizerState,
  optimizerState,
  setLearningRate,
  validateOptimizerConfig,
  type OptimizerConfig,
} from './optimizers.ts';

/** One mini-batch: tensors, or typed arrays with the input shape ([batch, ...]) and class ids. */
export interface FitBatch {
  readonly x: tf.Tensor | Float32Array;
  /** Class ids (Int32Array or an int32 tensor) or one-hot / soft targets (a float32 tensor). */
  readonly y: tf.Tensor | Int32Array;
  /** Required when x is a Float32Array. */
  readonly shape?: readonly number[];
}

export type LossFunction = (logits: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

export interface FitProgress {
  /** Steps completed, counting from the first step ever (resumed runs continue the count). */
  readonly step: number;
  readonly totalSteps: number;
  /** 0-based epoch of the step just taken. */
  readonly epoch: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  readonly learningRate: number;
  /** Milliseconds since this fit() call started. */
  readonly elapsedMs: number;
  /** Set on the steps where evaluate ran. */
  readonly metrics?: Readonly<Record<string, number>>;
}

export interface FitOptions {
  readonly epochs: number;
  /** The batches of one epoch. Must give the same batches for the same epoch (seed them): resuming relies on it. */
  readonly batches: (epoch: number) => Iterable<FitBatch>;
  /** Batches per epoch; counted from batches(0) when omitted. */
  readonly stepsPerEpoch?: number;
  readonly optimizer: OptimizerConfig;
  readonly learningRate: LearningRateSchedule;
  /** Default: softmax cross-entropy on logits (class ids are one-hot encoded). */
  readonly loss?: LossFunction;
  /** Stop after this many steps in total, even mid-epoch; the learning-rate schedule still spans all epochs. */
  readonly maxSteps?: number;
  /** Clip the global L2 norm of the gradients to this before each update (default 0: no clipping). */
  readonly clipNorm?: number;
  readonly onProgress?: (p: FitProgress) => void;
  /** Runs every `every` steps (and after the last step); its metrics go to onProgress, the result and checkpoints. */
  readonly evaluate?: {
    readonly every: number;
    readonly run: (model: Module, step: number) => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;
  };
  /**
   * Writes a checkpoint every `every` steps and after the last step, as `<name>.step-<step>.ckpt`
   * (name: default 'checkpoint'), keeping the newest `keep` (default 3); `<name>.good.ckpt` is the
   * newest checkpoint that a later step confirmed (finite loss and gradients). A checkpoint whose
   * parameters are not finite is never written. `resume: true` continues from the newest step
   * checkpoint if there is one; `resume: '<file name>'` from that checkpoint (the name a
   * NonFiniteError suggests). Once a run writes its first checkpoint, step checkpoints past its
   * step are removed (and, in a run that did not resume, the earlier run's good checkpoint).
   */
  readonly checkpoint?: {
    readonly store: CheckpointStore;
    readonly every: number;
    readonly name?: string;
    readonly keep?: number;
    readonly resume?: boolean | string;
  };
  /**
   * Stops training when aborted (Ctrl-C in the qat command): after the step that is running, fit
   * writes a checkpoint of that step (when `checkpoint` is set) and throws a FitStoppedError naming
   * it; `resume: true` then continues exactly. With a signal, fit yields to the event loop after every
   * step (so the abort can arrive), which costs about a millisecond a step.
   */
  readonly signal?: AbortSignal;
}

/** Thrown by fit() when its signal was aborted: training stopped after `step` steps. */
export class FitStoppedError extends QatjsError {
  override readonly name: string = 'FitStoppedError';
  constructor(
    readonly step: number,
    /** The checkpoint written at `step`, if fit had a checkpoint store. */
    readonly checkpoint: string | undefined,
  ) {
    super(`fit: stopped after step ${step}${checkpoint ? `; checkpoint '${checkpoint}' holds it (resume: true continues from there)` : ' (no checkpoint store: nothing was saved)'}`);
  }
}

export interface FitResult {
  /** Steps completed in total (including those of a resumed checkpoint). */
  readonly steps: number;
  /** The step a checkpoint resumed from, if any. */
  readonly resumedFrom?: number;
  /** Losses of the steps this call ran. */
  readonly losses: Float32Array;
  readonly evaluations: CheckpointProgress['evaluations'];
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new QatjsError(`fit: ${what} must be an integer >= 1, got ${describeValue(v)}`);
  return v as number;
}

function validate(model: Module, o: FitOptions): void {
  if (model === null || typeof model !== 'object' || typeof (model as Module).trainableVariables !== 'function') {
    throw new QatjsError('fit: model must be a Module');
  }
  if (o === null || typeof o !== 'object') throw new QatjsError('fit: options must be an object');
  positiveInt(o.epochs, 'epochs');
  if (typeof o.batches !== 'function') throw new QatjsError('fit: batches must be a function (epoch) => iterable of batches');
  if (o.stepsPerEpoch !== undefined) positiveInt(o.stepsPerEpoch, 'stepsPerEpoch');
  if (o.maxSteps !== undefined) positiveInt(o.maxSteps, 'maxSteps');
  if (o.clipNorm !== undefined && !(typeof o.clipNorm === 'number' && Number.isFinite(o.clipNorm) && o.clipNorm >= 0)) {
    throw new QatjsError(`fit: clipNorm must be a finite number >= 0 (0: no clipping), got ${describeValue(o.clipNorm)}`);
  }
  validateOptimizerConfig(o.optimizer);
  validateLearningRate(o.learningRate);
  if (o.loss !== undefined && typeof o.loss !== 'function') throw new QatjsError('fit: loss must be a function (logits, targets) => scalar');
  if (o.evaluate) {
    positiveInt(o.evaluate.every, 'evaluate.every');
    if (typeof o.evaluate.run !== 'function') throw new QatjsError('fit: evaluate.run must be a function');
  }
  if (o.checkpoint) {
    positiveInt(o.checkpoint.every, 'checkpoint.every');
    const st = o.checkpoint.store;
    if (!st || !['write', 'read', 'list', 'remove'].every((f) => typeof (st as unknown as Record<string, unknown>)[f] === 'function')) {
      throw new QatjsError('fit: checkpoint.store must be a CheckpointStore');
    }
    if (o.checkpoint.keep !== undefined) positiveInt(o.checkpoint.keep, 'checkpoint.keep');
  }
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null && typeof (o.signal as AbortSignal).aborted === 'boolean')) {
    throw new QatjsError(`fit: signal must be an AbortSignal, got ${describeValue(o.signal)}`);
  }
  if (o.checkpoint) {
    checkpointStem(o.checkpoint.name);
    const r = o.checkpoint.resume;
    if (r !== undefined && typeof r !== 'boolean' && !(typeof r === 'string' && /^[\w-][\w.-]*$/.test(r))) {
      throw new QatjsError(`fit: checkpoint.resume must be true, false or a checkpoint file name, got ${describeValue(r)}`);
    }
  }
}

/** Reads the checkpoint to resume from: the named one, or the newest step checkpoint (undefined: none yet). */
async function readResume(store: CheckpointStore, stem: string, resume: true | string): Promise<{ name: string; c: Checkpoint } | undefined> {
  let name: string;
  if (typeof resume === 'string') name = resume;
  else {
    const newest = (await listCheckpoints(store, stem)).at(-1);
    if (!newest) {
      const old = (await store.list()).find((n) => n === `${stem}.ckpt` || n === 'latest.ckpt');
      if (old) throw new CheckpointError(`fit: '${old}' is a checkpoint of an older qatjs (one file per run, format version 1), which this version does not read; train again`);
      return undefined;
    }
    name = newest.name;
  }
  const bytes = await store.read(name);
  if (!bytes) throw new CheckpointError(`fit: checkpoint.resume names '${name}', which is not in the store`);
  try {
    return { name, c: decodeCheckpoint(bytes) };
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    const others = (await listCheckpoints(store, stem)).map((f) => f.name).filter((n) => n !== name);
    if (await store.read(goodFile(stem))) others.push(goodFile(stem));
    throw new CheckpointError(`${e.message} (in '${name}'${others.length ? `; other checkpoints: ${others.join(', ')} (checkpoint.resume: '<name>')` : ''})`);
  }
}

function toTensors(b: FitBatch, step: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    let x: tf.Tensor;
    if (b.x instanceof tf.Tensor) x = tf.clone(b.x);
    else if (b.x instanceof Float32Array && Array.isArray(b.shape)) x = tf.tensor(b.x, [...b.shape]);
    else throw new QatjsError(`fit: batch for step ${step}: x must be a tf.Tensor, or a Float32Array with a shape`);
    let y: tf.Tensor;
    if (b.y instanceof tf.Tensor) y = tf.clone(b.y);
    else if (b.y instanceof Int32Array) y = tf.tensor1d(b.y, 'int32');
    else throw new QatjsError(`fit: batch for step ${step}: y must be class ids (Int32Array) or a tf.Tensor`);
    if (y.shape[0] !== x.shape[0]) throw new QatjsError(`fit: batch for step ${step}: ${x.shape[0]} inputs but ${y.shape[0]} targets`);
    return { x, y };
  });
}

const softmaxCrossEntropy: LossFunction = (logits, targets) =>
  tf.tidy(() => {
    const oneHot = targets.dtype === 'int32' ? tf.oneHot(targets as tf.Tensor1D, logits.shape[logits.shape.length - 1]) : targets;
    return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
  });

function regularization(model: Module): tf.Scalar | undefined {
  const terms = model.namedQuantizers().map(([, q]) => q.regularizationLoss?.()).filter((t): t is tf.Scalar => t !== undefined);
  return terms.length ? (tf.addN(terms) as tf.Scalar) : undefined;
}

/** The first parameter holding NaN or Infinity, if any. */
function nonFiniteParam(params: ReadonlyMap<string, { values: Float32Array | Int32Array }>): string | undefined {
  for (const [path, t] of params) for (const v of t.values) if (!Number.isFinite(v)) return path;
  return undefined;
}

/** Whether every gradient is finite (one fused reduction). */
function allFinite(grads: tf.Tensor[]): boolean {
  return tf.tidy(() => Number.isFinite(tf.addN(grads.map((g) => tf.sum(tf.mul(g, 0)))).dataSync()[0]));
}

/**
 * Trains a model: tfjs's SGD (optionally with momentum) or Adam, a learning-rate schedule, the recipe's
 * schedule applied every step (when the model is prepared), regularization terms of quantizers (PACT)
 * added to the loss, progress and evaluation callbacks, and atomic checkpoints (weights, quantizer state,
 * optimizer state, step) that resume bit-identically.
 *
 * A non-finite loss or gradient stops training before the weights are touched, with a NonFiniteError
 * naming the step and the checkpoint to resume from; checkpoints already written stay as they were.
 */
export async function fit(model: Module, options: FitOptions): Promise<FitResult> {
  validate(model, options);
  const o = options;
  const started = Date.now();
  let stepsPerEpoch = o.stepsPerEpoch ?? 0;
  if (!stepsPerEpoch) for (const _ of o.batches(0)) stepsPerEpoch++;
  if (!stepsPerEpoch) throw new QatjsError('fit: batches(0) gave no batches');
  // The schedule's horizon is the whole run; maxSteps only stops early (so a stopped run resumes exactly).
  const horizon = o.epochs * stepsPerEpoch;
  const totalSteps = Math.min(horizon, o.maxSteps ?? Infinity);
  const lossFn = o.loss ?? softmaxCrossEntropy;
  const ck = o.checkpoint;
  const stem = checkpointStem(ck?.name);
  const keep = ck?.keep ?? 3;

  const opt = createOptimizer(o.optimizer, learningRateAt(o.learningRate, 0, horizon));
  let step = 0;
  let resumedFrom: number | undefined;
  let evaluations: Array<CheckpointProgress['evaluations'][number]> = [];
  /** The newest checkpoint written (or resumed from) that no step has confirmed yet. */
  let pending: { step: number; bytes: Uint8Array } | undefined;
  try {
    if (ck?.resume) {
      const found = await readResume(ck.store, stem, ck.resume);
      if (found) {
        const { c } = found;
        // A checkpoint of a run with other batches per epoch (another batch size or data set) or
        // past this run's end would silently continue an old count or run no step: refuse it.
        if (c.progress.epoch !== Math.floor(c.progress.step / stepsPerEpoch)) {
          throw new CheckpointError(
            `fit: checkpoint '${found.name}' is at step ${c.progress.step} of epoch ${c.progress.epoch}, but this run has ${stepsPerEpoch} steps per epoch (step ${c.progress.step} would be in epoch ${Math.floor(c.progress.step / stepsPerEpoch)}): the batch size or the data changed; resume with the same batches, or train afresh`,
          );
        }
        if (c.progress.step >= totalSteps) {
          throw new CheckpointError(
            `fit: checkpoint '${found.name}' is at step ${c.progress.step}, and this run ends at step ${totalSteps} (${o.epochs} epochs x ${stepsPerEpoch} steps${o.maxSteps !== undefined ? `, maxSteps ${o.maxSteps}` : ''}): nothing to resume; raise epochs or maxSteps, or train afresh`,
          );
        }
        // Check everything before touching the model or the optimizer.
        checkModelState(model, c);
        checkOptimizerState(o.optimizer, model.trainableVariables(), c.optimizer);
        restoreModel(model, c);
        await loadOptimizerState(opt, c.optimizer);
        step = resumedFrom = c.progress.step;
        evaluations = [...c.progress.evaluations];
        pending = { step, bytes: encodeCheckpoint({ ...c }) };
      }
    }

    const vars = model.trainableVariables();
    if (vars.length === 0) throw new QatjsError('fit: the model has no trainable variables');
    const losses: number[] = [];
    /** Where to resume after a failure at the current step: the confirmed checkpoint, if any. */
    const resumeHint = async (): Promise<string> => {
      if (!ck) return '';
      const good = await ck.store.read(goodFile(stem));
      if (!good) return '; no confirmed checkpoint to resume from';
      let at = '';
      try {
        at = ` (step ${decodeCheckpoint(good).progress.step})`;
      } catch {
        at = ' (unreadable)';
      }
      return `; resume from '${goodFile(stem)}'${at} with checkpoint: { resume: '${goodFile(stem)}' } and a lower learning rate`;
    };
    let replacedEarlierRun = false;
    const saveCheckpoint = async () => {
      if (!ck) return;
      const state = captureModel(model);
      const bad = nonFiniteParam(state.params);
      if (bad !== undefined) {
        throw new NonFiniteError(`fit: parameter '${bad}' is not finite after step ${step}; no checkpoint was written${await resumeHint()}`);
      }
      const progress = { step, epoch: Math.floor(step / stepsPerEpoch), evaluations };
      const bytes = encodeCheckpoint({ ...state, optimizer: await optimizerState(opt), progress });
      await ck.store.write(stepFile(stem, step), bytes);
      pending = { step, bytes };
      // A fresh run replaces an earlier run's checkpoints of the same name; any run drops step
      // checkpoints past its own step (a diverged branch it resumed before), then keeps the newest `keep`.
      if (resumedFrom === undefined && !replacedEarlierRun) await ck.store.remove(goodFile(stem));
      replacedEarlierRun = true;
      const all = await listCheckpoints(ck.store, stem);
      const kept = all.filter((f) => f.step <= step);
      const drop = [...all.filter((f) => f.step > step), ...kept.slice(0, Math.max(0, kept.length - keep))];
      for (const f of drop) await ck.store.remove(f.name);
    };

    model.train();
    for (let epoch = Math.floor(step / stepsPerEpoch); step < totalSteps; epoch++) {
      let inEpoch = 0;
      const skip = step - epoch * stepsPerEpoch; // resuming mid-epoch: the batches already used
      for (const batch of o.batches(epoch)) {
        if (inEpoch++ < skip) continue;
        if (step >= totalSteps || inEpoch > stepsPerEpoch) break;
        model.quantController?.applySchedule(step, horizon);
        const lr = learningRateAt(o.learningRate, step, horizon);
        setLearningRate(opt, lr);
        const { x, y } = toTensors(batch, step);
        let lossValue: number;
        try {
          // tidy and disposeAbandonedTape: a loss function or layer that throws leaves no tensors behind
          const { value, ordered } = tf.tidy(() => {
            let r: ReturnType<typeof tf.variableGrads>;
            try {
              r = tf.variableGrads(() => {
                const base = lossFn(model.forward(x), y);
                const reg = regularization(model);
                return reg ? tf.add(base, reg) : base;
              }, vars);
            } catch (e) {
              disposeAbandonedTape();
              throw e;
            }
            // every variable gets a gradient, in the same order each step: Adam's slots are kept by position
            const g: tf.NamedTensorMap = {};
            for (const v of vars) g[v.name] = r.grads[v.name] ?? tf.zerosLike(v);
            const clip = o.clipNorm ?? 0;
            // a non-finite norm throws NonFiniteError; the catch below names the step and where to resume
            const clipped = clip > 0 ? clipGlobalNorm(g, clip, 'gradient clipping') : g;
            return { value: r.value, ordered: clipped };
          });
          lossValue = value.dataSync()[0];
          const finite = Number.isFinite(lossValue) && allFinite(Object.values(ordered));
          if (finite) opt.applyGradients(ordered);
          tf.dispose([value, ...Object.values(ordered)]);
          if (!finite) {
            const what = Number.isFinite(lossValue) ? 'a gradient' : `the loss (${lossValue})`;
            throw new NonFiniteError(`fit: ${what} is not finite at step ${step} (epoch ${epoch}); the weights were not updated${await resumeHint()}`);
          }
        } catch (e) {
          // a quantizer that meets NaN or Infinity in the forward pass: say where to resume from
          if (e instanceof NonFiniteError && !e.message.startsWith('fit: ')) throw new NonFiniteError(`fit: step ${step} (epoch ${epoch}): ${e.message}${await resumeHint()}`);
          throw e;
        } finally {
          tf.dispose([x, y]);
        }
        if (ck && pending && pending.step === step) {
          await ck.store.write(goodFile(stem), pending.bytes);
          pending = undefined;
        }
        step++;
        losses.push(lossValue);
        let metrics: Readonly<Record<string, number>> | undefined;
        if (o.evaluate && (step % o.evaluate.every === 0 || step === totalSteps)) {
          metrics = await o.evaluate.run(model, step);
          model.train();
          evaluations.push({ step, metrics });
        }
        o.onProgress?.({ step, totalSteps, epoch, epochs: o.epochs, stepsPerEpoch, loss: lossValue, learningRate: lr, elapsedMs: Date.now() - started, ...(metrics ? { metrics } : {}) });
        const saved = ck !== undefined && (step % ck.every === 0 || step === totalSteps);
        if (saved) await saveCheckpoint();
        if (o.signal) {
          await new Promise((r) => setTimeout(r, 0));
          if (o.signal.aborted && step < totalSteps) {
            if (ck && !saved) await saveCheckpoint();
            throw new FitStoppedError(step, ck ? stepFile(stem, step) : undefined);
          }
        }
      }
      if (inEpoch === 0) throw new QatjsError(`fit: batches(${epoch}) gave no batches`);
    }
    return { steps: step, ...(resumedFrom !== undefined ? { resumedFrom } : {}), losses: Float32Array.from(losses), evaluations };
  } finally {
    disposeOptimizer(opt);
  }
}
