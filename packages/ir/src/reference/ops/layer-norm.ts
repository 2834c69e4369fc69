import { allocate, type ReferenceKernel } from '../tensor.ts';

/** layerNorm (ops/layer-norm.ts): per row of the last axis, in float64, y rounded once to float32. */
export const layerNormReference: ReferenceKernel = ({ node, inputs: [x, gamma, beta], outputs: [out] }) => {
  const eps = node.attrs.eps as number;
  const d = x.shape[x.shape.length - 1];
  const y = allocate(out);
  const [xs, g, b] = [x.data, gamma.data, beta.data];
  for (let r = 0; r < y.length / d; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += xs[r * d + j];
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (xs[r * d + j] - mean) ** 2;
    const rstd = 1 / Math.sqrt(v / d + eps);
    for (let j = 0; j < d; j++) y[r * d + j] = Math.fround((xs[r * d + j] - mean) * rstd * g[j] + b[j]);
  }
  return [y];
};
