import { expFloat } from '../../float-numerics.ts';
import { allocate, type ReferenceKernel } from '../tensor.ts';

/** exp (ops/exp.ts): y[i] = expFloat(x[i]), the float64 function rounded once to float32. */
export const expReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = expFloat(x.data[i]);
  return [y];
};
