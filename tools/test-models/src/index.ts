export { Dense, Mlp } from './dense.ts';
export { trainClassifier, accuracy, type TrainOptions } from './train.ts';
