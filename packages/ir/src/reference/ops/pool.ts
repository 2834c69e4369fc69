import type { Pads, Pair } from '../../ops/attr-types.ts';
import { allocate, nhwcIndex, type ActivationArray, type ReferenceOutput, type ReferenceTensor } from '../tensor.ts';
import { windowTaps } from './window.ts';

/**
 * The pooling loop shared by maxPool, avgPool and globalAvgPool: for each batch item n, window
 * (oh, ow) of an Ho x Wo grid and channel c,
 *   y[n, oh, ow, c] = reduce(the codes x[n, ih, iw, c] at the window's in-image positions (ih, iw)).
 * Padded positions are not passed to `reduce` (every window holds at least one real position).
 */
export function poolWindows(
  x: ReferenceTensor, out: ReferenceOutput, window: { kernel: Pair; strides: Pair; pads: Pads }, ho: number, wo: number,
  reduce: (codes: number[]) => number,
): ActivationArray {
  const [batch, height, width, channels] = x.shape;
  const y = allocate(out);
  const yShape = [batch, ho, wo, channels];
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const taps = windowTaps(height, width, { ...window, dilations: [1, 1] }, oh, ow);
        for (let c = 0; c < channels; c++) {
          const codes = taps.map(({ ih, iw }) => x.data[nhwcIndex(x.shape, n, ih, iw, c)]);
          y[nhwcIndex(yShape, n, oh, ow, c)] = reduce(codes);
        }
      }
    }
  }
  return y;
}
