import { requantMultiplier, requantize } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { allocate, channelScale, channelZeroPoint, weightedOperands, type ReferenceKernel } from '../tensor.ts';

/**
 * gemm (ops/gemm.ts); x [..., K] read as rows of K (every leading index one row), weights [K, N]
 * per-tensor or per column n (scale and zero point):
 *   acc[r, n] = b[n] + sum over k of (x[r, k] - z_x) * (w[k, n] - z_w[n])
 *   y[r, n] = requantize(acc, requantMultiplier(s_x, s_w[n], s_y), z_y, lo, hi)
 */
export const gemmReference: ReferenceKernel = ({ node, inputs: [x, w, b], outputs: [out] }) => {
  const { clamp: [lo, hi] } = nodeAttrs(node, 'gemm');
  const [depth, cols] = w.shape;
  const rows = x.data.length / depth;
  const { xq, wq, yq, codes } = weightedOperands(x, w, out);
  const y = allocate(out);
  for (let m = 0; m < rows; m++) {
    for (let n = 0; n < cols; n++) {
      const zw = channelZeroPoint(wq, n);
      let acc = b === undefined ? 0 : b.data[n];
      for (let k = 0; k < depth; k++) acc += (x.data[m * depth + k] - xq.zeroPoint[0]) * (codes[k * cols + n] - zw);
      const mult = requantMultiplier(xq.scale[0], channelScale(wq, n), yq.scale[0]);
      y[m * cols + n] = requantize(acc, mult, yq.zeroPoint[0], lo, hi);
    }
  }
  return [y];
};
