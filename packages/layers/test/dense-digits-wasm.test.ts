import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, convert, fit, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { Dense } from '@qatjs/layers';
import { batches, loadDigits, trainTestSplit, type TrainTestSplit } from '@qatjs/datasets';
import { runReference } from '@qatjs/ir';
import { compareLogits } from '@qatjs/test-models';
import { wasmTrainingKernelsInstalled } from '@qatjs/tfjs-wasm-training';

// A dense-only model trains on tfjs-backend-wasm with nothing but core, layers and two quantizers:
// no CNN package is imported anywhere in this file (initBackend installs the training kernels).
function argmaxAccuracy(model: Sequential, set: TrainTestSplit['test']): number {
  return tf.tidy(() => {
    const pred = tf.argMax(model.forward(tf.tensor(set.x, [set.y.length, 64])), 1).dataSync();
    let hits = 0;
    for (let i = 0; i < set.y.length; i++) if (pred[i] === set.y[i]) hits++;
    return (100 * hits) / set.y.length;
  });
}

describe('a dense-only model on sklearn digits, QAT on the wasm backend', () => {
  let data: TrainTestSplit;
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await initBackend('wasm');
    data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
  });

  it('trains with the w8a8 preset, keeps its tensor count, and converts to an integer model that agrees', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmTrainingKernelsInstalled()).toBe(true);
    const model = new Sequential([new Dense({ inFeatures: 64, units: 64, activation: 'relu', seed: 1 }), new Dense({ inFeatures: 64, units: 10, seed: 2 })]);
    const report = prepare(model, 'w8a8', { onWarning: () => {} });
    expect(report.points.length).toBeGreaterThanOrEqual(5);

    const counts: number[] = [];
    const result = await fit(model, {
      epochs: 4,
      batches: (epoch) => batches(data.train, { batchSize: 64, seed: 3, epoch, dropLast: true }),
      optimizer: { kind: 'adam' },
      learningRate: 1e-2,
      onProgress: () => counts.push(tf.memory().numTensors),
    });
    const losses = Array.from(result.losses);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [first, last] = [mean(losses.slice(0, 5)), mean(losses.slice(-5))];
    model.eval();
    const acc = argmaxAccuracy(model, data.test);
    console.log(`digits dense 64-64-10, w8a8 QAT on wasm: ${result.steps} steps, loss ${first.toFixed(3)} -> ${last.toFixed(3)}, test accuracy ${acc.toFixed(2)}%`);
    expect(result.steps).toBe(4 * Math.floor(data.train.y.length / 64));
    expect(last).toBeLessThan(first / 3);
    expect(acc).toBeGreaterThan(85); // chance is 10%
    // the first step creates Adam's slots; after it nothing accumulates
    expect(new Set(counts.slice(1)).size).toBe(1);

    const ir = convert(model, { inputShape: [64], floatOutput: false });
    expect(ir.nodes.map((n) => n.op)).toEqual(['quantize', 'gemm', 'gemm']);
    const n = data.test.y.length;
    const codes = runReference(ir, { input: data.test.x })[ir.outputs[0]] as Int8Array;
    const fake = tf.tidy(() => Float32Array.from(model.forward(tf.tensor(data.test.x, [n, 64])).dataSync() as Float32Array));
    const out = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
    if (!out) throw new Error('the output has no quant params');
    const cmp = compareLogits(fake, codes, 10, out.scale[0], out.zeroPoint[0]);
    expect(cmp.sameArgmax).toBe(n);
    expect(cmp.worstQuanta).toBeLessThanOrEqual(1);
    model.dispose();
  });
});
