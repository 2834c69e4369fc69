import type { QuantizeContext } from '../quantizer/quant-point.ts';
import { scheduleStep, type Schedule } from '../recipe/recipe.ts';
import { QatjsError } from '../util/errors.ts';

/**
 * Model-wide quantization switches, shared by every module of a prepared model. prepare() makes
 * one; calibrate() and applySchedule() flip its flags; layers read them through Module.quantize().
 */
export class QuantController {
  /** Observers run, fake quantization is off (post-training calibration). */
  calibrating = false;
  /** Statistics stop updating (the schedule's freezeObserversAt). */
  observersFrozen = false;
  /** Fake quantization on; off during the schedule's warm-up float steps. */
  fakeQuant = true;
  /** Layers with batch statistics use their running statistics (the schedule's freezeBatchNormAt). */
  batchNormFrozen = false;
  /** The recipe's schedule, applied by applySchedule(step). */
  schedule: Schedule = {};

  contextFor(training: boolean): QuantizeContext {
    return {
      training,
      observe: this.calibrating || (training && !this.observersFrozen),
      fakeQuant: this.fakeQuant && !this.calibrating,
    };
  }

  /**
   * Sets the switches for a training step (counted from 0) as the schedule says; `horizon`, the run's
   * length in steps, turns the schedule's fractions into steps.
   */
  applySchedule(step: number, horizon?: number): void {
    if (!Number.isInteger(step) || step < 0) throw new QatjsError(`applySchedule: step must be an integer >= 0, got ${step}`);
    if (horizon !== undefined && (!Number.isInteger(horizon) || horizon < 1)) throw new QatjsError(`applySchedule: horizon must be an integer >= 1, got ${horizon}`);
    const s = this.schedule;
    const at = (key: 'warmupFloatSteps' | 'freezeObserversAt' | 'freezeBatchNormAt') => (s[key] === undefined ? undefined : scheduleStep(s[key], horizon, key));
    this.fakeQuant = step >= (at('warmupFloatSteps') ?? 0);
    const observers = at('freezeObserversAt');
    const bn = at('freezeBatchNormAt');
    this.observersFrozen = observers !== undefined && step >= observers;
    this.batchNormFrozen = bn !== undefined && step >= bn;
  }
}
