import { nodeAttrs } from '../../ops/attr-types.ts';
import { allocate, type ReferenceKernel } from '../tensor.ts';

/** concat (ops/concat.ts): each input's blocks of `axis` size times the inner dims, one after another per outer index. */
export const concatReference: ReferenceKernel = ({ node, inputs, outputs: [out] }) => {
  const { axis } = nodeAttrs(node, 'concat');
  const inner = out.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = out.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const y = allocate(out);
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const x of inputs) {
      const block = x.shape[axis] * inner;
      for (let e = 0; e < block; e++) y[o++] = x.data[i * block + e];
    }
  }
  return [y];
};
