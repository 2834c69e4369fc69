import { nodeAttrs } from '../../ops/attr-types.ts';
import type { ReferenceKernel } from '../tensor.ts';
import { poolWindows } from './pool.ts';

/**
 * maxPool (ops/max-pool.ts): y = clamp(max of the codes at the window's in-image positions, lo, hi);
 * codes pass through (y has x's dtype and quant params).
 */
export const maxPoolReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const { kernel, strides, pads, clamp: [lo, hi] } = nodeAttrs(node, 'maxPool');
  const [, ho, wo] = out.shape;
  const clampedMax = (codes: number[]) => Math.min(hi, Math.max(lo, codes.reduce((a, b) => Math.max(a, b))));
  return [poolWindows(x, out, { kernel, strides, pads }, ho, wo, clampedMax)];
};
