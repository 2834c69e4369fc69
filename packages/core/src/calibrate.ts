import * as tf from '@tensorflow/tfjs-core';
import type { Module, ModuleOutput } from './module/module.ts';
import { QatjsError, describeValue } from './util/errors.ts';

export type CalibrationBatch = tf.Tensor | readonly tf.Tensor[];

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
    throw new QatjsError(`calibrate: batches must be an iterable of tensors, got ${describeValue(batches)}`);
  }
  const wasTraining = model.training;
  model.eval();
  controller.calibrating = true;
  let n = 0;
  try {
    for await (const batch of batches) {
      const inputs = Array.isArray(batch) ? batch : [batch];
      inputs.forEach((t, i) => {
        if (!(t instanceof tf.Tensor)) throw new QatjsError(`calibrate: batch ${n} input ${i} is not a tf.Tensor (${describeValue(t)})`);
      });
      tf.tidy(() => {
        model.forward(...(inputs as tf.Tensor[]));
      });
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
