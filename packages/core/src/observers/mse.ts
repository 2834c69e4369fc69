import type * as tf from '@tensorflow/tfjs-core';
import type { QuantSpec } from '../spec/quant-spec.ts';
import { option, readOptions } from '../util/options.ts';
import { roundHalfEven } from '../util/round.ts';
import { MeanOfBatchesObserver } from './range-observer.ts';
import type { ObservedRange, ObserverContext, ObserverPlugin } from './observer.ts';
import { qparamsFromRange } from './qparams.ts';
import { channelMinMax, channelValues, readChannels } from './tensor-stats.ts';

export interface MseOptions {
  /** Candidate clips tried: the observed range shrunk by i / gridSize, i = 1..gridSize. */
  readonly gridSize: number;
}

/** Sum of squared fake-quantization error of `values` on the grid fitted to [lo, hi] (float64). */
export function quantizationError(values: Float32Array, lo: number, hi: number, spec: QuantSpec): number {
  const p = qparamsFromRange({ min: Float64Array.of(lo), max: Float64Array.of(hi) }, { ...spec, axis: undefined });
  const s = p.scale[0];
  const zp = p.zeroPoint[0];
  let err = 0;
  for (let i = 0; i < values.length; i++) {
    const q = Math.min(p.qmax, Math.max(p.qmin, roundHalfEven(values[i] / s) + zp));
    const e = (q - zp) * s - values[i];
    err += e * e;
  }
  return err;
}

/**
 * Searches the clip that minimizes the squared quantization error on each batch: the batch's
 * [min, max] scaled by i / gridSize; the full range is a candidate, so it never does worse than
 * min/max on the batch it saw. Batches are combined by their mean. Costs gridSize passes per batch:
 * meant for calibration; use movingAverageMinMax for activations during training.
 */
export class MseObserver extends MeanOfBatchesObserver {
  readonly name = 'mse';

  constructor(
    ctx: ObserverContext,
    private readonly gridSize: number,
  ) {
    super(ctx);
  }

  protected batchRange(x: tf.Tensor): ObservedRange {
    const data = readChannels(x, this.ctx.spec.axis, this.ctx.label);
    const full = channelMinMax(data);
    const min = new Float64Array(data.channels);
    const max = new Float64Array(data.channels);
    for (let c = 0; c < data.channels; c++) {
      const values = channelValues(data, c);
      let best = Infinity;
      for (let i = this.gridSize; i >= 1; i--) {
        const a = i / this.gridSize;
        const err = quantizationError(values, full.min[c] * a, full.max[c] * a, this.ctx.spec);
        if (err < best) {
          best = err;
          min[c] = full.min[c] * a;
          max[c] = full.max[c] * a;
        }
      }
    }
    return { min, max };
  }
}

export const mseObserver: ObserverPlugin<MseOptions> = {
  name: 'mse',
  description: 'clip range minimizing the squared quantization error (grid search), mean over batches',
  validate: (raw) => readOptions("observer 'mse'", raw, { gridSize: option.integer(10, 1000, 100) }),
  create: (options, ctx) => new MseObserver(ctx, options.gridSize),
};
