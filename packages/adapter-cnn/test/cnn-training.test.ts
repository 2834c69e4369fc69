import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, memoryCheckpointStore, prepare, getPreset, type FitOptions, initBackend } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet } from '@qatjs/adapter-cnn';
import { batches, loadMnist, type MnistSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';

let train: MnistSet;
const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  epochs: 1,
  batches: (epoch) => batches(train, { batchSize: 8, seed: 3, epoch, dropLast: true }),
  optimizer: { kind: 'adam' },
  learningRate: 1e-3,
  ...over,
});

describe('training LeNet-BN with QAT on MNIST (wasm)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await useBackend('wasm');
    train = await loadMnist({ split: 'train', limit: 4000 });
  });

  it('keeps the tensor count flat over 500 W8A8 QAT steps, with batch norm frozen halfway', async () => {
    const m = lenet({ seed: 7 });
    prepare(m, { ...getPreset('w8a8'), schedule: { freezeBatchNormAt: 250, freezeObserversAt: 400 } }, { onWarning: () => {} });
    const counts: number[] = [];
    const r = await fit(m, { ...options(), onProgress: () => counts.push(tf.memory().numTensors) });
    expect(r.steps).toBe(500);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const early = r.losses.slice(0, 50).reduce((a, b) => a + b) / 50;
    const late = r.losses.slice(-50).reduce((a, b) => a + b) / 50;
    expect(late).toBeLessThan(early / 3);
    m.dispose();
  });

  it('resumes a CNN QAT run (batch-norm statistics, observers, Adam) bit-identically', async () => {
    const opts = options({ maxSteps: undefined, epochs: 1, batches: (epoch) => batches(train, { batchSize: 16, seed: 5, epoch, dropLast: true }), stepsPerEpoch: 40 });
    const limited = { ...opts, batches: (epoch: number) => [...opts.batches(epoch)].slice(0, 40) };
    const recipe = { ...getPreset('w4a8'), schedule: { freezeBatchNormAt: 25 } };
    const full = lenet({ seed: 9 });
    prepare(full, recipe, { onWarning: () => {} });
    await fit(full, limited);
    const store = memoryCheckpointStore();
    const a = lenet({ seed: 9 });
    prepare(a, recipe, { onWarning: () => {} });
    await fit(a, { ...limited, maxSteps: 17, checkpoint: { store, every: 5 } });
    a.dispose();
    const b = lenet({ seed: 9 });
    prepare(b, recipe, { onWarning: () => {} });
    const r = await fit(b, { ...limited, checkpoint: { store, every: 5, resume: true } });
    expect(r.resumedFrom).toBe(17);
    const values = (m: ReturnType<typeof lenet>) => m.namedParameters().map(([p, v]) => [p, Array.from(v.dataSync())]);
    expect(values(b)).toEqual(values(full));
    full.dispose();
    b.dispose();
  });
});
