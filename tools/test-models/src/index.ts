export { Dense, Mlp } from './dense.ts';
export { trainClassifier, accuracy, quantizerRegularization, type TrainOptions } from './train.ts';
