// QAT of LSTM and GRU classifiers on real data (the shipped MNIST, as 28 rows of 28 pixels): the loss
// falls, and no tensor is left behind across training steps.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { sequenceClassifier } from '@qatjs/adapter-rnn';
import { batches, loadMnist, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';

let train: LabeledSet;

describe('QAT of recurrent classifiers on row-sequential MNIST', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const set = await loadMnist({ split: 'train', limit: 512 });
    train = { ...set, shape: [set.shape[0] as number, 28, 28] };
  });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: W8A8 QAT lowers the loss and leaks no tensor across steps`, async () => {
      const m = sequenceClassifier({ cell, inputSize: 28, hidden: 16, classes: 10, seed: 3, maxSteps: 28 });
      prepare(m, 'w8a8', { onWarning: () => {} });
      const counts: number[] = [];
      const result = await fit(m, {
        epochs: 4,
        batches: (epoch) => (function* () {
          for (const b of batches(train, { batchSize: 64, seed: 1, epoch, dropLast: true })) yield { x: b.x, y: b.y, shape: b.shape };
        })(),
        optimizer: { kind: 'adam' },
        learningRate: { kind: 'constant', value: 1e-2 },
        onProgress: () => counts.push(tf.memory().numTensors),
      });
      const l = result.losses;
      const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(mean(l.slice(-8))).toBeLessThan(mean(l.slice(0, 8)) - 0.2);
      // every quantizer has statistics and the counts stay flat after the first step (optimizer slots)
      expect(new Set(counts.slice(1)).size).toBe(1);
      m.dispose();
    });
  }
});
