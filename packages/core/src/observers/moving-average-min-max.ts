import type * as tf from '@tensorflow/tfjs-core';
import { option, readOptions } from '../util/options.ts';
import { RangeObserver } from './range-observer.ts';
import type { ObservedRange, ObserverContext, ObserverPlugin } from './observer.ts';
import { tensorMinMax } from './tensor-stats.ts';

export interface MovingAverageMinMaxOptions {
  /** Weight of the newest batch: min += momentum * (batchMin - min). PyTorch's averaging_constant. */
  readonly momentum: number;
}

/** Exponential moving average of each batch's min and max; the first batch sets them. */
export class MovingAverageMinMaxObserver extends RangeObserver {
  readonly name = 'movingAverageMinMax';

  constructor(
    ctx: ObserverContext,
    private readonly momentum: number,
  ) {
    super(ctx);
  }

  protected batchRange(x: tf.Tensor): ObservedRange {
    return tensorMinMax(x, this.ctx.spec.axis, this.ctx.label);
  }

  protected merge(batch: ObservedRange): void {
    const m = this.momentum;
    for (let c = 0; c < this.min.length; c++) {
      this.min[c] += m * (batch.min[c] - this.min[c]);
      this.max[c] += m * (batch.max[c] - this.max[c]);
    }
  }
}

export const movingAverageMinMaxObserver: ObserverPlugin<MovingAverageMinMaxOptions> = {
  name: 'movingAverageMinMax',
  description: 'exponential moving average of batch minimum and maximum',
  validate: (raw) => readOptions("observer 'movingAverageMinMax'", raw, { momentum: option.number(0, 1, 0.01, 'min') }),
  create: (options, ctx) => new MovingAverageMinMaxObserver(ctx, options.momentum),
};
