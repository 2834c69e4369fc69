// @qatjs/quantizer-asymmetric: the affine quantizer. Importing the package registers it under the
// name 'asymmetric'.
import { observedQuantizerPlugin, registerQuantizer } from '@qatjs/core';

/**
 * Affine grid: the observed range is widened to include 0, scale = (max - min) / (qmax - qmin) and
 * zeroPoint = qmin - round(min / scale), so 0 is exact and the whole range is used. Options: bits,
 * signed (default: signed unless the point is declared non-negative), perChannel, observer (default
 * minMax for weights, movingAverageMinMax for activations).
 */
export const asymmetricQuantizer = observedQuantizerPlugin({
  name: 'asymmetric',
  description: 'affine fake quantizer with a zero point, observer-driven',
  symmetric: false,
});

registerQuantizer(asymmetricQuantizer);
