import { averageRequantize, requantMultiplier } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { quantOf, type ReferenceKernel, type ReferenceOutput, type ReferenceTensor } from '../tensor.ts';
import { poolWindows } from './pool.ts';

/**
 * The average of one window's codes: sum = sum of (x - z_x) over them, count = how many;
 * averageRequantize(sum, count, requantMultiplier(s_x, 1, s_y), z_y, lo, hi).
 */
export function averageOf(x: ReferenceTensor, out: ReferenceOutput, lo: number, hi: number): (codes: number[]) => number {
  const xq = quantOf(x);
  const yq = quantOf(out);
  const m = requantMultiplier(xq.scale[0], 1, yq.scale[0]);
  return (codes) => {
    const sum = codes.reduce((s, code) => s + (code - xq.zeroPoint[0]), 0);
    return averageRequantize(sum, codes.length, m, yq.zeroPoint[0], lo, hi);
  };
}

/** avgPool (ops/avg-pool.ts): the average over the window's in-image positions only (padding is not counted). */
export const avgPoolReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const { kernel, strides, pads, clamp: [lo, hi] } = nodeAttrs(node, 'avgPool');
  const [, ho, wo] = out.shape;
  return [poolWindows(x, out, { kernel, strides, pads }, ho, wo, averageOf(x, out, lo, hi))];
};
