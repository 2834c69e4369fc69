import { dequantizeValue } from '../../numerics.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

/** dequantize (ops/dequantize.ts): y[i] = dequantizeValue(x[i], s_x, z_x), a float32. */
export const dequantizeReference: ReferenceKernel = ({ inputs: [x], outputs: [out] }) => {
  const { scale, zeroPoint } = quantOf(x);
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) y[i] = dequantizeValue(x.data[i], scale[0], zeroPoint[0]);
  return [y];
};
