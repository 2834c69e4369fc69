// @qatjs/quantizer-uniform: the symmetric uniform quantizer. Importing the package registers it
// under the name 'uniform'.
import { observedQuantizerPlugin, registerQuantizer } from '@qatjs/core';

/**
 * Symmetric grid (zero point 0): scale = max|x| / qmax for signed grids, max(x) / qmax for unsigned
 * ones (after ReLU), from the observer's range. Options: bits, signed (default: signed unless the
 * point is declared non-negative), narrowRange, perChannel, observer (default minMax for weights,
 * movingAverageMinMax for activations), powerOfTwoScale (each scale rounded up to a power of two).
 */
export const uniformQuantizer = observedQuantizerPlugin({
  name: 'uniform',
  description: 'symmetric uniform fake quantizer (zero point 0), observer-driven',
  symmetric: true,
});

registerQuantizer(uniformQuantizer);
