// @qatjs/layers: the building blocks every layer family shares. Importing it has no side effects.
export { type Activation, ACTIVATIONS, applyActivation, checkActivation } from './activation.ts';
export { BatchNorm, type BatchNormOptions } from './batch-norm.ts';
export { WeightedLayer } from './weighted-layer.ts';
export { Dense, type DenseOptions } from './dense.ts';
export { Embedding, type EmbeddingOptions } from './embedding.ts';
export { Elementwise, type ElementwiseOptions } from './elementwise.ts';
export { Add } from './add.ts';
export { Mul } from './mul.ts';
export { FloatActivation, Sigmoid, Tanh, type FloatActivationOptions } from './float-activation.ts';
export { broadcastShape } from './broadcast.ts';
export { positiveInt, nonNegativeInt, checkSeed, checkInput, type InputExpectation } from './options.ts';
export { LayerError } from './errors.ts';
