// The models of this version: registered on import.
import { Sequential, type Module } from '@qatjs/core';
import { Flatten, lenet, residualCnn } from '@qatjs/adapter-cnn';
import { Dense } from '@qatjs/layers';
import { usage } from '../errors.ts';
import { registerModel, type ModelShape } from './registry.ts';

function image(name: string, s: ModelShape): { size: number; channels: number } {
  const [h, w, c] = s.inputShape;
  if (s.inputShape.length !== 3 || h === undefined || w === undefined || c === undefined) {
    throw usage(`--model ${name} takes images [height, width, channels]; this data has samples of shape [${s.inputShape.join(', ')}] (use --model mlp)`);
  }
  if (h !== w) throw usage(`--model ${name} takes square images; this data has ${h}x${w}`);
  return { size: h, channels: c };
}

/** An MLP: flatten, dense 128 + ReLU (fc1), dense 64 + ReLU (fc2), dense classes (fc3). */
export function mlp(s: ModelShape): Module {
  const features = s.inputShape.reduce((a, b) => a * b, 1);
  const layers: Record<string, Module> = s.inputShape.length > 1 ? { flatten: new Flatten() } : {};
  return new Sequential({
    ...layers,
    fc1: new Dense({ inFeatures: features, units: 128, activation: 'relu', seed: s.seed }),
    fc2: new Dense({ inFeatures: 128, units: 64, activation: 'relu', seed: s.seed + 1 }),
    fc3: new Dense({ inFeatures: 64, units: s.classes, seed: s.seed + 2 }),
  });
}

registerModel({
  name: 'lenet',
  description: 'LeNet with batch norm (conv 5x5x16, pool, conv 5x5x32, pool, dense 128, dense): images of 16x16 and more',
  task: 'classification',
  build: (s) => {
    const { size, channels } = image('lenet', s);
    if (size < 16) throw usage(`--model lenet needs images of at least 16x16 (two 5x5 convolutions and two poolings); this data has ${size}x${size} (use --model residual-cnn or mlp)`);
    return lenet({ inputSize: size, inChannels: channels, classes: s.classes, seed: s.seed });
  },
});

registerModel({
  name: 'residual-cnn',
  description: 'a small residual CNN (stem conv, two residual blocks, global average pooling, dense): any image size',
  task: 'classification',
  build: (s) => {
    const { channels } = image('residual-cnn', s);
    return residualCnn({ inChannels: channels, classes: s.classes, seed: s.seed });
  },
});

registerModel({
  name: 'mlp',
  description: 'a multilayer perceptron (dense 128, dense 64, dense classes): any samples',
  task: 'classification',
  build: mlp,
});
