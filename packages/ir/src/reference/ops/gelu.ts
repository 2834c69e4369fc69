import { geluFloat } from '../../float-numerics.ts';
import { allocate, type ReferenceKernel } from '../tensor.ts';

/** gelu (ops/gelu.ts): y[i] = geluFloat(x[i]), the float64 function rounded once to float32. */
export const geluReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = geluFloat(x.data[i]);
  return [y];
};
