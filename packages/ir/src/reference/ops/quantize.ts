import { quantizeValue } from '../../numerics.ts';
import { quantRange } from '../../quant.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

/** quantize (ops/quantize.ts): y[i] = quantizeValue(x[i], s_y, z_y, qmin, qmax) over y's whole grid. */
export const quantizeReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const { scale, zeroPoint } = quantOf(out);
  const { qmin, qmax } = quantRange(out.dtype, quantOf(out));
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = quantizeValue(x.data[i], scale[0], zeroPoint[0], qmin, qmax);
  return [y];
};
