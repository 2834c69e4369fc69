import { addQuantized } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

/** add (ops/add.ts): elementwise addQuantized, same shapes, no broadcasting. */
export const addReference: ReferenceKernel = ({ node, inputs: [a, b], outputs: [out] }) => {
  const { clamp: [lo, hi] } = nodeAttrs(node, 'add');
  const aq = quantOf(a);
  const bq = quantOf(b);
  const yq = quantOf(out);
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) {
    y[i] = addQuantized(
      a.data[i], aq.zeroPoint[0], aq.scale[0],
      b.data[i], bq.zeroPoint[0], bq.scale[0],
      yq.scale[0], yq.zeroPoint[0], lo, hi,
    );
  }
  return [y];
};
