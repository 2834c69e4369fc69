import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { bitsPerChar, charTransformer, trainLanguageModel, transformerPreset } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare, type CharCorpus } from '@qatjs/datasets';

// Training on the shipped tiny-shakespeare, on tfjs-backend-wasm (the kernels initBackend installs).
describe('character transformer training (wasm)', () => {
  let corpus: CharCorpus;
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
  });

  const small = () => charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 1, context: 32, seed: 3 });
  const windows = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: 32, batchSize: 8, seed, steps });

  it('learns: validation bits per character fall from ~log2(65) to well below', () => {
    const model = small();
    const val = [...corpus.windows({ split: 'validation', seqLen: 32, batchSize: 32 })].slice(0, 4);
    const before = bitsPerChar(model, val);
    const r = trainLanguageModel(model, { batches: windows(150, 1), steps: 150, learningRate: 1e-2, warmupSteps: 10 });
    const after = bitsPerChar(model, val);
    expect(before).toBeGreaterThan(5.5); // uniform over 65 characters: 6.02 bits
    // the training split's unigram distribution alone: 4.77 bits; a model that learned context does better
    expect(after).toBeLessThan(4.0);
    expect(r.steps).toBe(150);
    expect(r.losses[149]).toBeLessThan(r.losses[0] - 1.5);
    model.dispose();
  });

  it('QAT (w8a8 with a 16-bit residual stream) leaves the tensor count unchanged step after step', () => {
    const model = small();
    prepare(model, transformerPreset('w8a8-res16'), { onWarning: () => {} });
    const counts: number[] = [];
    trainLanguageModel(model, { batches: windows(6, 2), steps: 6, learningRate: 1e-3, onProgress: () => counts.push(tf.memory().numTensors) });
    expect(counts.slice(2).every((c) => c === counts[1])).toBe(true);
    const before = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('a time budget stops training early and the schedule still ends', () => {
    const model = small();
    const lrs: number[] = [];
    const r = trainLanguageModel(model, { batches: windows(10_000, 4), steps: 10_000, learningRate: 1e-3, budgetMs: 1500, onProgress: (p) => lrs.push(p.learningRate) });
    expect(r.steps).toBeLessThan(10_000);
    expect(r.losses.length).toBe(r.steps);
    // cosine by elapsed time: the last rate is near the final one (1e-4), not the peak
    expect(lrs[lrs.length - 1]).toBeLessThan(5e-4);
    model.dispose();
  });

  it('validates its options', () => {
    const model = small();
    expect(() => trainLanguageModel(model, { batches: windows(1, 1), steps: 0, learningRate: 1e-3 })).toThrow(/steps must be an integer >= 1, got 0/);
    expect(() => trainLanguageModel(model, { batches: windows(1, 1), steps: 1, learningRate: -1 })).toThrow(/learningRate must be a number > 0/);
    expect(() => trainLanguageModel(model, { batches: windows(1, 1), steps: 2, learningRate: 1e-3 })).toThrow(/batches gave 1 batches, fewer than steps \(2\)/);
    expect(() => bitsPerChar(model, [{ x: new Int32Array(3), y: new Int32Array(3), shape: [1, 4] }])).toThrow(/needs 4 ids in x and y, got 3 and 3/);
    model.dispose();
  });
});
