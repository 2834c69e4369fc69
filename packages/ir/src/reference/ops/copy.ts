import type { ActivationArray, ReferenceKernel } from '../tensor.ts';

/**
 * reshape and flatten (ops/reshape.ts, ops/flatten.ts): the same elements in the same row-major
 * order under a new shape, dtype and quant unchanged. A copy, so no two values share memory.
 */
export const copyReference: ReferenceKernel = ({ inputs: [x] }) => [(x.data as ActivationArray).slice()];
