// @qatjs/adapter-cnn: convolutional layers and models. Importing it has no side effects: training on
// tfjs-backend-wasm needs @qatjs/core's initBackend('wasm'), which installs the kernels it lacks.
export * from './layers/index.ts';
export { lenet, type LenetOptions } from './models/lenet.ts';
export { residualCnn, type ResidualCnnOptions } from './models/residual-cnn.ts';
export { foldForInference, type FoldedModel } from './fold-for-inference.ts';
