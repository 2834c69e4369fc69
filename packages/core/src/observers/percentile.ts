import type * as tf from '@tensorflow/tfjs-core';
import { option, readOptions } from '../util/options.ts';
import { MeanOfBatchesObserver } from './range-observer.ts';
import type { ObservedRange, ObserverContext, ObserverPlugin } from './observer.ts';
import { channelValues, percentileOf, readChannels } from './tensor-stats.ts';

export interface PercentileOptions {
  /** The percentile (50, 100] kept inside the range; outliers beyond it clip. */
  readonly percentile: number;
}

/**
 * Clips outliers: per batch, symmetric signed grids take the p-th percentile of |x|, others the
 * (100-p)-th and p-th percentiles of x; batches are combined by their mean (NNCF's mean aggregator).
 */
export class PercentileObserver extends MeanOfBatchesObserver {
  readonly name = 'percentile';

  constructor(
    ctx: ObserverContext,
    private readonly percentile: number,
  ) {
    super(ctx);
  }

  protected batchRange(x: tf.Tensor): ObservedRange {
    const data = readChannels(x, this.ctx.spec.axis, this.ctx.label);
    const min = new Float64Array(data.channels);
    const max = new Float64Array(data.channels);
    const absolute = this.ctx.spec.symmetric && this.ctx.spec.signed;
    for (let c = 0; c < data.channels; c++) {
      const values = channelValues(data, c);
      if (absolute) {
        for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]);
        const m = percentileOf(values, this.percentile);
        min[c] = -m;
        max[c] = m;
      } else {
        max[c] = percentileOf(values, this.percentile);
        min[c] = percentileOf(values, 100 - this.percentile);
      }
    }
    return { min, max };
  }
}

export const percentileObserver: ObserverPlugin<PercentileOptions> = {
  name: 'percentile',
  description: 'mean over batches of the p-th percentile range',
  validate: (raw) => readOptions("observer 'percentile'", raw, { percentile: option.number(50, 100, 99.99, 'min') }),
  create: (options, ctx) => new PercentileObserver(ctx, options.percentile),
};
