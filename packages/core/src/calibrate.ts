import * as tf from '@tensorflow/tfjs-core';
import type { Module, ModuleOutput } from './module/module.ts';
import { QatjsError, describeValue } from './util/errors.ts';

/**
 * One calibration batch: a tensor (or a tensor per model input), or a batch as fit() takes it
 * (`{ x, y?, shape? }`, x a tensor or a Float32Array with its shape; y is ignored).
 */
export type CalibrationBatch = tf.Tensor | readonly tf.Tensor[] | { readonly x: tf.Tensor | Float32Array; readonly y?: unknown; readonly shape?: readonly number[] };

/** The input tensors of a batch, and those calibrate made (to dispose). */
function inputsOf(batch: CalibrationBatch, n: number): { inputs: tf.Tensor[]; made: tf.Tensor[] } {
  if (batch instanceof tf.Tensor) return { inputs: [batch], made: [] };
  if (Array.isArray(batch)) return { inputs: batch as tf.Tensor[], made: [] };
  const b = batch as { x?: unknown; shape?: unknown };
  if (b !== null && typeof b === 'object' && 'x' in b) {
    if (b.x instanceof tf.Tensor) return { inputs: [b.x], made: [] };
    if (b.x instanceof Float32Array && Array.isArray(b.shape)) {
      const t = tf.tensor(b.x, [...(b.shape as number[])]);
      return { inputs: [t], made: [t] };
    }
    throw new QatjsError(`calibrate: batch ${n}: x must be a tf.Tensor, or a Float32Array with a shape`);
  }
  throw new QatjsError(`calibrate: batch ${n} must be a tensor, an array of tensors or { x, shape? }, got ${describeValue(batch)}`);
}

export interface CalibrateOptions {
  /** Stop after this many batches. */
  readonly maxBatches?: number;
}

export interface CalibrationReport {
  readonly batches: number;
}

function requirePrepared(model: Module<ModuleOutput>, what: string): NonNullable<Module['quantController']> {
  const c = model?.quantController;
  if (!c) throw new QatjsError(`${what}: the model is not prepared (call prepare(model, recipe) first)`);
  return c;
}

/**
 * Post-training calibration: runs the model in eval mode over the batches with observers on and fake
 * quantization off, so every quantizer's statistics come from float activations (as torch.ao and
 * TFLite calibrate). The batches stay the caller's to dispose. Afterwards the model runs fake-quantized.
 */
export async function calibrate(
  model: Module<ModuleOutput>,
  batches: Iterable<CalibrationBatch> | AsyncIterable<CalibrationBatch>,
  options: CalibrateOptions = {},
): Promise<CalibrationReport> {
  const controller = requirePrepared(model, 'calibrate');
  const max = options.maxBatches ?? Infinity;
  if (max !== Infinity && (!Number.isInteger(max) || max < 1)) {
    throw new QatjsError(`calibrate: maxBatches must be an integer >= 1, got ${describeValue(options.maxBatches)}`);
  }
  if (batches == null || (typeof (batches as Iterable<unknown>)[Symbol.iterator] !== 'function' && typeof (batches as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')) {
    throw new QatjsError(`calibrate: batches must be an iterable of tensors or of { x, shape } batches (what fit takes), got ${describeValue(batches)}`);
  }
  const wasTraining = model.training;
  model.eval();
  controller.calibrating = true;
  let n = 0;
  try {
    for await (const batch of batches) {
      const { inputs, made } = inputsOf(batch, n);
      try {
        inputs.forEach((t, i) => {
          if (!(t instanceof tf.Tensor)) throw new QatjsError(`calibrate: batch ${n} input ${i} is not a tf.Tensor (${describeValue(t)})`);
        });
        tf.tidy(() => {
          model.forward(...inputs);
        });
      } finally {
        tf.dispose(made);
      }
      if (++n >= max) break;
    }
  } finally {
    controller.calibrating = false;
    model.train(wasTraining);
  }
  if (n === 0) throw new QatjsError('calibrate: no batches were given');
  return { batches: n };
}

/**
 * Sets the model's quantization switches for a training step, as its recipe's schedule says;
 * `horizon` (the run's length in steps) is needed when the schedule gives fractions of the run.
 */
export function applySchedule(model: Module<ModuleOutput>, step: number, horizon?: number): void {
  requirePrepared(model, 'applySchedule').applySchedule(step, horizon);
}
