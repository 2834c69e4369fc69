// @qatjs/quantizer-lsq: learned step size quantizers. Importing the package registers 'lsq' (LSQ)
// and 'lsq+' (LSQ+).
import { registerQuantizer } from '@qatjs/core';
import { lsqQuantizer } from './lsq.ts';
import { lsqPlusQuantizer } from './lsq-plus.ts';

export { lsqQuantizer, type LsqOptions } from './lsq.ts';
export { lsqPlusQuantizer, LSQ_PLUS, type LsqPlusOptions } from './lsq-plus.ts';
export { LearnedStepQuantizer, type LearnedStepSettings } from './learned-step-quantizer.ts';
export type { InitChoice, GradScaleChoice } from './options.ts';
export { elementsPerStep, gradFactor, positiveLevels } from './grad-factor.ts';

registerQuantizer(lsqQuantizer);
registerQuantizer(lsqPlusQuantizer);
