import { qrange, type QuantSpec } from '../spec/quant-spec.ts';
import { QatjsError } from '../util/errors.ts';
import { roundHalfEven } from '../util/round.ts';
import type { ObservedRange } from './observer.ts';

/** Smallest scale ever produced (float32 machine epsilon, as PyTorch): an all-zero tensor stays valid. */
export const MIN_SCALE = 2 ** -23;

export interface QParams {
  /** One float32 scale per channel (length 1 per-tensor). */
  readonly scale: Float32Array;
  /** One integer zero point per channel, in [qmin, qmax]. */
  readonly zeroPoint: Int32Array;
  readonly qmin: number;
  readonly qmax: number;
  /** Per-channel axis, undefined per-tensor. */
  readonly axis?: number;
}

/**
 * Scale and zero point that map an observed range onto the spec's grid.
 * - symmetric signed: scale = max(|min|, |max|) / qmax, zero point 0 (the grid's ends hold ±max);
 * - symmetric unsigned: scale = max(max, 0) / qmax, zero point 0 (negative values clip to 0);
 * - affine: the range is widened to include 0, scale = (max - min) / (qmax - qmin),
 *   zeroPoint = clamp(qmin - roundHalfEven(min / scale), qmin, qmax), so 0 is exactly representable.
 * Scales are at least MIN_SCALE: all-zero and all-equal tensors give a valid grid, never NaN.
 */
export function qparamsFromRange(range: ObservedRange, spec: QuantSpec): QParams {
  const { qmin, qmax } = qrange(spec);
  const n = range.min.length;
  if (range.max.length !== n) throw new QatjsError(`qparamsFromRange: min has ${n} channels, max has ${range.max.length}`);
  const scale = new Float32Array(n);
  const zeroPoint = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const lo = Math.min(range.min[c], 0);
    const hi = Math.max(range.max[c], 0);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw new QatjsError(`qparamsFromRange: range of channel ${c} is not finite ([${range.min[c]}, ${range.max[c]}])`);
    }
    if (spec.symmetric) {
      const top = spec.signed ? Math.max(-lo, hi) : hi;
      scale[c] = Math.max(top / qmax, MIN_SCALE);
      zeroPoint[c] = 0;
    } else {
      scale[c] = Math.max((hi - lo) / (qmax - qmin), MIN_SCALE);
      const zp = qmin - roundHalfEven(lo / scale[c]);
      zeroPoint[c] = Math.min(qmax, Math.max(qmin, zp));
    }
  }
  return { scale, zeroPoint, qmin, qmax, ...(spec.axis === undefined ? {} : { axis: spec.axis }) };
}
