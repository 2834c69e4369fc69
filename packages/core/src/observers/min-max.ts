import type * as tf from '@tensorflow/tfjs-core';
import { readOptions } from '../util/options.ts';
import type { ObservedRange, ObserverPlugin } from './observer.ts';
import { RangeObserver } from './range-observer.ts';
import { tensorMinMax } from './tensor-stats.ts';

/** Running min and max over everything observed (PyTorch MinMaxObserver). */
export class MinMaxObserver extends RangeObserver {
  readonly name = 'minMax';

  protected batchRange(x: tf.Tensor): ObservedRange {
    return tensorMinMax(x, this.ctx.spec.axis, this.ctx.label);
  }

  protected merge(batch: ObservedRange): void {
    for (let c = 0; c < this.min.length; c++) {
      this.min[c] = Math.min(this.min[c], batch.min[c]);
      this.max[c] = Math.max(this.max[c], batch.max[c]);
    }
  }
}

export const minMaxObserver: ObserverPlugin<Record<string, never>> = {
  name: 'minMax',
  description: 'running minimum and maximum of everything observed',
  validate: (raw) => readOptions("observer 'minMax'", raw, {}) as Record<string, never>,
  create: (_options, ctx) => new MinMaxObserver(ctx),
};
