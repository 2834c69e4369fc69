import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepare, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import { loadDigits, trainTestSplit, type TrainTestSplit } from '@qatjs/datasets';
import { Mlp, accuracy, trainClassifier } from '@qatjs/test-models';
import { useBackend } from '@qatjs/test-utils';

// W8A8 with the uniform quantizer everywhere: per-channel int8 weights, 8-bit activations
// (unsigned after ReLU), the model input quantized at the first layer.
const W8A8_UNIFORM: Recipe = {
  rules: [
    { match: '*', weight: { quantizer: 'uniform', bits: 8, perChannel: true, narrowRange: true }, output: { quantizer: 'uniform', bits: 8 } },
    { match: '@first', input: { quantizer: 'uniform', bits: 8 } },
  ],
};
const FP32_TRAINING = { steps: 600, batchSize: 64, learningRate: 1e-2, seed: 2 };
// QAT fine-tunes the trained float model, as torch.ao and TF-MOT do.
const QAT_FINE_TUNING = { steps: 200, batchSize: 64, learningRate: 1e-3, seed: 102 };

describe('end to end: a dense network on sklearn digits', () => {
  let data: TrainTestSplit;
  beforeAll(async () => {
    await useBackend('wasm');
    data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
  });

  it('trains with W8A8 uniform fake quantization to within 1 point of FP32, tensor count flat over 200 steps', () => {
    const model = new Mlp([64, 64, 32, 10], 2);
    const fp32Losses = trainClassifier(model, data.train, FP32_TRAINING);
    const fp32Acc = accuracy(model, data.test);
    expect(fp32Losses[fp32Losses.length - 1]).toBeLessThan(fp32Losses[0] / 10);

    const report = prepare(model, W8A8_UNIFORM, { onWarning: (m) => expect.fail(m) });
    expect(report.points).toHaveLength(7);
    const counts: number[] = [];
    trainClassifier(model, data.train, { ...QAT_FINE_TUNING, onStep: () => counts.push(tf.memory().numTensors) });
    const qatAcc = accuracy(model, data.test);
    // Measured (wasm backend, same on Node, Bun and Deno): FP32 97.78%, W8A8 uniform QAT 98.00%
    // on the 450 held-out digits.
    console.log(`digits MLP: FP32 ${fp32Acc.toFixed(2)}%, W8A8 uniform QAT ${qatAcc.toFixed(2)}%`);
    expect(fp32Acc).toBeGreaterThan(96);
    expect(qatAcc).toBeGreaterThan(fp32Acc - 1);
    // the model really runs on the int8 grid: every logit is a multiple of the output scale
    const out = model.layers[2].getQuantizer('output');
    if (!out) throw new Error('logits are not quantized');
    const s = out.qparams().scale[0];
    const logits = tf.tidy(() => Array.from(model.eval().forward(tf.tensor2d(data.test.x.slice(0, 640), [10, 64])).dataSync()));
    for (const v of logits) expect(Math.abs(v / s - Math.round(v / s))).toBeLessThan(1e-3);
    expect(counts).toHaveLength(200);
    expect(new Set(counts.slice(1)).size).toBe(1); // flat over the 200 steps (the first step creates Adam's slots)
    model.dispose();
  });
});
