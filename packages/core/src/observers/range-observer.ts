import type * as tf from '@tensorflow/tfjs-core';
import { QatjsError } from '../util/errors.ts';
import type { ObservedRange, Observer, ObserverContext, ObserverState } from './observer.ts';

/**
 * Shared state handling for observers whose statistics are a per-channel [min, max] pair.
 * Subclasses say how a batch's range merges into the running one.
 */
export abstract class RangeObserver implements Observer {
  abstract readonly name: string;
  protected min = new Float64Array(0);
  protected max = new Float64Array(0);
  private seen = 0;

  constructor(protected readonly ctx: ObserverContext) {}

  get count(): number {
    return this.seen;
  }

  /** The batch's range for this observer (min/max, percentiles, MSE-optimal clip...). */
  protected abstract batchRange(x: tf.Tensor): ObservedRange;
  /** Merges a batch range into the running range (called from the second batch on). */
  protected abstract merge(batch: ObservedRange, count: number): void;

  observe(x: tf.Tensor): void {
    const batch = this.batchRange(x);
    if (this.seen > 0 && batch.min.length !== this.min.length) {
      throw new QatjsError(
        `observer ${this.name} at '${this.ctx.label}': got ${batch.min.length} channels, earlier batches had ${this.min.length}`,
      );
    }
    if (this.seen === 0) {
      this.min = Float64Array.from(batch.min);
      this.max = Float64Array.from(batch.max);
    } else {
      this.merge(batch, this.seen);
    }
    this.seen++;
  }

  range(): ObservedRange {
    if (this.seen === 0) throw new QatjsError(`observer ${this.name} at '${this.ctx.label}': nothing observed yet`);
    return { min: Float64Array.from(this.min), max: Float64Array.from(this.max) };
  }

  reset(): void {
    this.min = new Float64Array(0);
    this.max = new Float64Array(0);
    this.seen = 0;
  }

  state(): ObserverState {
    return { observer: this.name, count: this.seen, min: Array.from(this.min), max: Array.from(this.max) };
  }

  load(state: ObserverState): void {
    const where = `observer ${this.name} at '${this.ctx.label}'`;
    if (state === null || typeof state !== 'object' || state.observer !== this.name) {
      throw new QatjsError(`${where}: state is for observer ${JSON.stringify((state as ObserverState | null)?.observer)}`);
    }
    const ok = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!Number.isInteger(state.count) || state.count < 0 || !ok(state.min) || !ok(state.max) || state.min.length !== state.max.length) {
      throw new QatjsError(`${where}: malformed state (count, min and max must be finite and of equal length)`);
    }
    if (state.count > 0 && state.min.length === 0) throw new QatjsError(`${where}: state has a count but no range`);
    this.min = Float64Array.from(state.min);
    this.max = Float64Array.from(state.max);
    this.seen = state.count;
  }
}

/** Observers whose per-batch ranges are combined by their running mean (percentile, MSE). */
export abstract class MeanOfBatchesObserver extends RangeObserver {
  protected merge(batch: ObservedRange, count: number): void {
    for (let c = 0; c < this.min.length; c++) {
      this.min[c] += (batch.min[c] - this.min[c]) / (count + 1);
      this.max[c] += (batch.max[c] - this.max[c]) / (count + 1);
    }
  }
}
