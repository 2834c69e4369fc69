import { readOptions, resolveObserver, specForPoint, type QuantizerPlugin } from '@qatjs/core';
import { LearnedStepQuantizer } from './learned-step-quantizer.ts';
import { learnedStepSchema } from './options.ts';

/** The registered name of LSQ+. */
export const LSQ_PLUS = 'lsq+';
const OWNER = `quantizer '${LSQ_PLUS}'`;
const schema = learnedStepSchema(OWNER, false, { kind: 'observer', observer: resolveObserver('mse', OWNER) });

/** The options 'lsq+' accepts, parsed (see the README for each). */
export type LsqPlusOptions = ReturnType<typeof readLsqPlusOptions>;

function readLsqPlusOptions(raw: Readonly<Record<string, unknown>>) {
  return readOptions(OWNER, raw, schema);
}

/**
 * LSQ+ (Bhalgat et al., 2020): an affine grid whose step size and offset are both learned, for
 * activations with negative values (after GELU or Swish). The offset is fakeQuantize's zero point,
 * a float rounded half to even in the forward pass, so the result maps to integer inference.
 */
export const lsqPlusQuantizer: QuantizerPlugin<LsqPlusOptions> = {
  name: LSQ_PLUS,
  description: 'LSQ+: learned step size and zero point on an affine grid',
  validate: readLsqPlusOptions,
  create(options, point) {
    const { init, gradScale, minStep } = options;
    return new LearnedStepQuantizer({ quantizer: LSQ_PLUS, point, spec: specForPoint(OWNER, options, point, false), init, gradScale, minStep });
  },
};
