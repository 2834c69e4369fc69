import { allocate, type ReferenceKernel } from '../tensor.ts';

/** softmax (ops/softmax.ts): per row of the last axis (causal: the visible columns), in float64, rounded once. */
export const softmaxReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  const r = x.shape.length;
  const [t, s] = x.shape.slice(r - 2);
  const y = allocate(out);
  for (let row = 0; row < y.length / s; row++) {
    const i = row % t;
    const visible = causal ? Math.min(s, i + s - t + 1) : s;
    let max = -Infinity;
    for (let j = 0; j < visible; j++) max = Math.max(max, scale * x.data[row * s + j]);
    let sum = 0;
    for (let j = 0; j < visible; j++) sum += Math.exp(scale * x.data[row * s + j] - max);
    for (let j = 0; j < s; j++) y[row * s + j] = j < visible ? Math.fround(Math.exp(scale * x.data[row * s + j] - max) / sum) : 0;
  }
  return [y];
};
