import { allocate, type ReferenceKernel } from '../tensor.ts';

/** transpose (ops/transpose.ts): y.shape[i] = x.shape[perm[i]]; elements moved, never changed. */
export const transposeReference: ReferenceKernel = ({ node, inputs: [x], outputs: [out] }) => {
  const perm = node.attrs.perm as readonly number[];
  const rank = x.shape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * x.shape[i + 1];
  const y = allocate(out);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < y.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k] * inStrides[perm[k]];
    y[o] = x.data[src];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < out.shape[k]) break;
      idx[k] = 0;
    }
  }
  return [y];
};
