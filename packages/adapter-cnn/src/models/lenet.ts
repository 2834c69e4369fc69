import { Sequential } from '@qatjs/core';
import { Conv2d } from '../layers/conv2d.ts';
import { Dense } from '@qatjs/layers';
import { Flatten, MaxPool2d } from '../layers/pooling.ts';

export interface LenetOptions {
  /** Input height = width (28 for MNIST). */
  readonly inputSize?: number;
  readonly inChannels?: number;
  readonly classes?: number;
  /** Batch norm folded into both convs and the hidden dense layer (default true). */
  readonly batchNorm?: boolean;
  readonly seed?: number;
}

/**
 * LeNet with batch norm: conv 5x5x16, max pool 2, conv 5x5x32, max pool 2, dense 128, dense classes
 * ('valid' convolutions; 28x28 -> 24 -> 12 -> 8 -> 4). Layer paths (for recipes): `conv1` (Conv2d), `pool1`
 * (MaxPool2d), `conv2` (Conv2d), `pool2` (MaxPool2d), `flatten` (Flatten), `fc1` (Dense), `fc2` (Dense);
 * parameters `conv1.weight`, `fc2.bias`...; quantization points `conv1/weight`, `fc2/output`...
 */
export function lenet(o: LenetOptions = {}): Sequential {
  const size = o.inputSize ?? 28;
  const bn = o.batchNorm ?? true;
  const seed = o.seed ?? 1;
  const after = Math.floor((Math.floor((size - 4) / 2) - 4) / 2);
  const model = new Sequential({
    conv1: new Conv2d({ inChannels: o.inChannels ?? 1, filters: 16, kernelSize: 5, padding: 'valid', batchNorm: bn, activation: 'relu', seed }),
    pool1: new MaxPool2d({ poolSize: 2 }),
    conv2: new Conv2d({ inChannels: 16, filters: 32, kernelSize: 5, padding: 'valid', batchNorm: bn, activation: 'relu', seed: seed + 1 }),
    pool2: new MaxPool2d({ poolSize: 2 }),
    flatten: new Flatten(),
    fc1: new Dense({ inFeatures: after * after * 32, units: 128, batchNorm: bn, activation: 'relu', seed: seed + 2 }),
    fc2: new Dense({ inFeatures: 128, units: o.classes ?? 10, seed: seed + 3 }),
  });
  return model;
}
