import { tanhFloat } from '../../float-numerics.ts';
import { allocate, type ReferenceKernel } from '../tensor.ts';

/** tanh (ops/tanh.ts): y[i] = tanhFloat(x[i]), the float64 function rounded once to float32. */
export const tanhReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = tanhFloat(x.data[i]);
  return [y];
};
