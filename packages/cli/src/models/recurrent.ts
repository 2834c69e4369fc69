// LSTM and GRU sequence classifiers (@qatjs/adapter-rnn): registered on import. Images are read row by
// row: an image [height, width, channels] is `height` steps of width x channels features.
import { sequenceClassifier } from '@qatjs/adapter-rnn';
import { usage } from '../errors.ts';
import { registerModel } from './registry.ts';

const HIDDEN = 64;

function steps(name: string, dataShape: readonly number[]): readonly number[] {
  const [t, ...rest] = dataShape;
  if (t === undefined || rest.length === 0) {
    throw usage(`--model ${name} reads samples as sequences [steps, features] (images row by row); this data has samples of shape [${dataShape.join(', ')}] (use --model mlp)`);
  }
  return [t, rest.reduce((a, b) => a * b, 1)];
}

for (const cell of ['lstm', 'gru'] as const) {
  registerModel({
    name: cell,
    description: `a ${cell.toUpperCase()} (${HIDDEN} units, final state) and a dense head: images row by row (MNIST: 28 steps of 28 pixels), or [steps, features] samples`,
    task: 'classification',
    sampleShape: (shape) => steps(cell, shape),
    build: (s) => {
      const [t, features] = s.inputShape as [number, number];
      return sequenceClassifier({ cell, inputSize: features, hidden: HIDDEN, classes: s.classes, maxSteps: t, seed: s.seed });
    },
  });
}
