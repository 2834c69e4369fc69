import { iGelu, iLayerNormRow, iSoftmaxRow } from '../../integer-only.ts';
import { quantizeValue } from '../../numerics.ts';
import { quantRange } from '../../quant.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

// The integer-only ops (ops/integer-only.ts): integer-only.ts's scalar functions on the codes.

/** iGelu: y = quantizeValue(fround(q·S), s_y, z_y) with (q, S) = iGelu(x − z_x, s_x). */
export const iGeluReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const [xq, yq] = [quantOf(x), quantOf(out)];
  const { qmin, qmax } = quantRange(out.dtype, yq);
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) {
    const r = iGelu(x.data[i] - xq.zeroPoint[0], xq.scale[0]);
    y[i] = quantizeValue(Math.fround(r.q * r.s), yq.scale[0], yq.zeroPoint[0], qmin, qmax);
  }
  return [y];
};

/** iSoftmax: iSoftmaxRow per row of the last axis (causal: the visible columns). */
export const iSoftmaxReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  const [xq, yq] = [quantOf(x), quantOf(out)];
  const { qmin, qmax } = quantRange(out.dtype, yq);
  const r = x.shape.length;
  const [t, s] = x.shape.slice(r - 2);
  const y = allocate(out);
  const row = new Array<number>(s);
  const res = new Array<number>(s);
  for (let k = 0; k * s < y.length; k++) {
    for (let j = 0; j < s; j++) row[j] = x.data[k * s + j] - xq.zeroPoint[0];
    const visible = causal ? Math.min(s, (k % t) + s - t + 1) : s;
    iSoftmaxRow(row, visible, xq.scale[0] * scale, yq.scale[0], yq.zeroPoint[0], qmin, qmax, res);
    for (let j = 0; j < s; j++) y[k * s + j] = res[j];
  }
  return [y];
};

/** iLayerNorm: iLayerNormRow per row of the last axis. */
export const iLayerNormReference: ReferenceKernel = ({ node, inputs: [x, gamma, beta], outputs: [out] }) => {
  const eps = node.attrs.eps as number;
  const [xq, yq] = [quantOf(x), quantOf(out)];
  const { qmin, qmax } = quantRange(out.dtype, yq);
  const d = x.shape[x.shape.length - 1];
  const y = allocate(out);
  const row = new Array<number>(d);
  const res = new Array<number>(d);
  for (let k = 0; k * d < y.length; k++) {
    for (let j = 0; j < d; j++) row[j] = x.data[k * d + j] - xq.zeroPoint[0];
    iLayerNormRow(row, xq.scale[0], eps, gamma.data, beta.data, yq.scale[0], yq.zeroPoint[0], qmin, qmax, res);
    for (let j = 0; j < d; j++) y[k * d + j] = res[j];
  }
  return [y];
};
