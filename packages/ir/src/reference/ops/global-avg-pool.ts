import { nodeAttrs } from '../../ops/attr-types.ts';
import type { ReferenceKernel } from '../tensor.ts';
import { averageOf } from './avg-pool.ts';
import { poolWindows } from './pool.ts';

/**
 * globalAvgPool (ops/global-avg-pool.ts): x [N, H, W, C] -> y [N, C], the average of each channel over
 * all H * W positions: one H x W window per image (count H * W), with y [N, C] laid out as [N, 1, 1, C].
 */
export const globalAvgPoolReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const { clamp: [lo, hi] } = nodeAttrs(node, 'globalAvgPool');
  const [, height, width] = x.shape;
  const wholeImage = { kernel: [height, width], strides: [1, 1], pads: [0, 0, 0, 0] } as const;
  return [poolWindows(x, out, wholeImage, 1, 1, averageOf(x, out, lo, hi))];
};
