export { Dense, Mlp } from './dense.ts';
export { LoweredDense } from './lowered-dense.ts';
export { trainClassifier, accuracy, quantizerRegularization, type TrainOptions } from './train.ts';
export { compareLogits, type LogitComparison } from '@qatjs/core';
