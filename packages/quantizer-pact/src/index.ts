// @qatjs/quantizer-pact: PACT, a learned clipping level for activations. Importing the package
// registers it under the name 'pact'. Written with @qatjs/core's public API only.
import { QuantizerOptionError, registerQuantizer, type QuantizerPlugin } from '@qatjs/core';
import { readPactOptions, type PactOptions } from './options.ts';
import { PactQuantizer } from './pact-quantizer.ts';

export { PactQuantizer } from './pact-quantizer.ts';
export { pactClip } from './pact-clip.ts';
export { readPactOptions, type PactOptions } from './options.ts';

/** PACT (Choi et al. 2018): clip activations to [0, alpha], learn alpha, quantize [0, alpha] uniformly. */
export const pactQuantizer: QuantizerPlugin<PactOptions> = {
  name: 'pact',
  description: 'PACT: learned clipping level alpha for non-negative activations',
  validate: readPactOptions,
  create(options, point) {
    if (point.role !== 'activation' || point.nonNegative !== true) {
      throw new QuantizerOptionError(
        `quantizer 'pact' at '${point.label}': PACT clips to [0, alpha], so it quantizes activations declared non-negative (after ReLU); ` +
          `this point is ${point.role === 'activation' ? 'an activation that may be negative' : `a ${point.role}`}`,
      );
    }
    return new PactQuantizer(point, options);
  },
};

registerQuantizer(pactQuantizer);
