import { requantMultiplier, requantize } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { elementCount } from '../../shape.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

/**
 * matmul (ops/matmul.ts), activation x activation; a [..., M, K], b [..., K, N] (or [..., N, K] with
 * transposeB), equal leading dims, each leading index l an independent product:
 *   acc = sum over k of (a[l, m, k] - z_a) * (B[l, k, n] - z_b)
 *   y[l, m, n] = requantize(acc, requantMultiplier(s_a, s_b, s_y), z_y, lo, hi)
 */
export const matmulReference: ReferenceKernel = ({ node, inputs: [a, b], outputs: [out] }) => {
  const { transposeB, clamp: [lo, hi] } = nodeAttrs(node, 'matmul');
  const r = a.shape.length;
  const [rows, depth] = a.shape.slice(r - 2);
  const cols = out.shape[r - 1];
  const lead = elementCount(a.shape.slice(0, r - 2));
  const aq = quantOf(a);
  const bq = quantOf(b);
  const yq = quantOf(out);
  const aAt = (l: number, m: number, k: number) => a.data[(l * rows + m) * depth + k];
  const bAt = (l: number, k: number, n: number) => (transposeB ? b.data[(l * cols + n) * depth + k] : b.data[(l * depth + k) * cols + n]);
  const mult = requantMultiplier(aq.scale[0], bq.scale[0], yq.scale[0]);
  const y = allocate(out);
  for (let l = 0; l < lead; l++) {
    for (let m = 0; m < rows; m++) {
      for (let n = 0; n < cols; n++) {
        let acc = 0;
        for (let k = 0; k < depth; k++) acc += (aAt(l, m, k) - aq.zeroPoint[0]) * (bAt(l, k, n) - bq.zeroPoint[0]);
        y[(l * rows + m) * cols + n] = requantize(acc, mult, yq.zeroPoint[0], lo, hi);
      }
    }
  }
  return [y];
};
