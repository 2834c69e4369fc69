import { sigmoidFloat } from '../../float-numerics.ts';
import { allocate, type ReferenceKernel } from '../tensor.ts';

/** sigmoid (ops/sigmoid.ts): y[i] = sigmoidFloat(x[i]), the float64 function rounded once to float32. */
export const sigmoidReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = sigmoidFloat(x.data[i]);
  return [y];
};
