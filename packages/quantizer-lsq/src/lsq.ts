import { option, readOptions, specForPoint, type QuantizerPlugin } from '@qatjs/core';
import { LearnedStepQuantizer } from './learned-step-quantizer.ts';
import { learnedStepSchema } from './options.ts';

const OWNER = "quantizer 'lsq'";
// powerOfTwoScale: the learned step rounded up to a power of two in the forward pass (symmetric grids only, so not LSQ+)
const schema = { ...learnedStepSchema(OWNER, true, { kind: 'lsq' }), powerOfTwoScale: option.boolean(false) };

/** The options 'lsq' accepts, parsed (see the README for each). */
export type LsqOptions = ReturnType<typeof readLsqOptions>;

function readLsqOptions(raw: Readonly<Record<string, unknown>>) {
  return readOptions(OWNER, raw, schema);
}

/**
 * LSQ (Esser et al., ICLR 2020): a symmetric grid (zero point 0) whose step size is learned,
 * per tensor or per channel, with the gradient scale g = 1/sqrt(N * Qp).
 */
export const lsqQuantizer: QuantizerPlugin<LsqOptions> = {
  name: 'lsq',
  description: 'LSQ: learned step size on a symmetric grid, per tensor or per channel',
  validate: readLsqOptions,
  create(options, point) {
    const { init, gradScale, minStep, powerOfTwoScale } = options;
    return new LearnedStepQuantizer({ quantizer: 'lsq', point, spec: specForPoint(OWNER, options, point, true), init, gradScale, minStep, powerOfTwoScale });
  },
};
