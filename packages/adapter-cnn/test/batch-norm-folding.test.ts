import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { applySchedule, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import { Conv2d, DepthwiseConv2d } from '@qatjs/adapter-cnn';
import { Dense, type WeightedLayer } from '@qatjs/layers';
import { BACKENDS, randomNormal, randomUniform, useBackend } from '@qatjs/test-utils';

/** Gives a layer's batch norm non-trivial parameters and statistics. */
function randomizeBn(layer: WeightedLayer, seed: number): void {
  const bn = layer.bn;
  if (!bn) throw new Error('no batch norm');
  const c = bn.channels;
  tf.tidy(() => {
    bn.gamma.assign(tf.tensor1d(randomUniform(c, seed, 0.5, 2)));
    bn.beta.assign(tf.tensor1d(randomNormal(c, seed + 1)));
    bn.runningMean.assign(tf.tensor1d(randomNormal(c, seed + 2)));
    bn.runningVar.assign(tf.tensor1d(randomUniform(c, seed + 3, 0.2, 3)));
  });
}

/** The unfolded network: the raw product, then batch norm with running statistics, then ReLU. */
function unfolded(layer: WeightedLayer, product: (w: tf.Tensor) => tf.Tensor): tf.Tensor {
  const bn = layer.bn as NonNullable<WeightedLayer['bn']>;
  return tf.relu(tf.batchNorm(product(layer.weight), bn.runningMean, bn.runningVar, bn.beta, bn.gamma, bn.epsilon));
}

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return worst;
}

for (const backend of BACKENDS) {
  describe(`batch-norm folding (${backend})`, () => {
    beforeAll(async () => {
      await initBackend(backend);
      await useBackend(backend);
    });

    const img = () => tf.tensor4d(randomNormal(2 * 8 * 8 * 3, 10), [2, 8, 8, 3]);
    const cases: Array<[string, () => WeightedLayer, () => tf.Tensor, (l: WeightedLayer, x: tf.Tensor) => (w: tf.Tensor) => tf.Tensor]> = [
      ['Conv2d', () => new Conv2d({ inChannels: 3, filters: 5, kernelSize: 3, strides: 2, batchNorm: true, activation: 'relu', seed: 1 }), img, (_l: WeightedLayer, x: tf.Tensor) => (w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')],
      ['DepthwiseConv2d', () => new DepthwiseConv2d({ inChannels: 3, kernelSize: 3, channelMultiplier: 2, batchNorm: true, activation: 'relu', seed: 2 }), img, (_l: WeightedLayer, x: tf.Tensor) => (w: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')],
      ['Dense', () => new Dense({ inFeatures: 6, units: 4, batchNorm: true, activation: 'relu', seed: 3 }), () => tf.tensor2d(randomNormal(30, 11), [5, 6]), (_l: WeightedLayer, x: tf.Tensor) => (w: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D)],
    ];

    for (const [name, make, input, product] of cases) {
      it(`${name}: the folded layer equals conv + batch norm in eval mode`, () => {
        const layer = make();
        randomizeBn(layer, 20);
        const x = input();
        layer.eval();
        expect(tf.tidy(() => maxRelDiff(layer.forward(x), unfolded(layer, product(layer, x))))).toBeLessThan(2e-5);
        x.dispose();
        layer.dispose();
      });
    }

    it('training normalizes with the batch statistics and updates the running ones (PyTorch convention)', () => {
      const conv = new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, batchNorm: { momentum: 0.25 }, seed: 4 });
      const x = img();
      const bn = conv.bn as NonNullable<Conv2d['bn']>;
      tf.tidy(() => {
        const z = tf.conv2d(x, conv.weight as tf.Tensor4D, 1, 'same');
        const { mean, variance } = tf.moments(z, [0, 1, 2]);
        const want = tf.batchNorm(z, mean, variance, bn.beta, bn.gamma, bn.epsilon);
        expect(maxRelDiff(conv.forward(x), want)).toBeLessThan(2e-5);
        const n = z.size / 4;
        expect(maxRelDiff(bn.runningMean, tf.mul(mean, 0.25))).toBeLessThan(1e-6);
        expect(maxRelDiff(bn.runningVar, tf.add(0.75, tf.mul(variance, (0.25 * n) / (n - 1))))).toBeLessThan(1e-6);
      });
      x.dispose();
      conv.dispose();
    });

    it('QAT quantizes the folded weight; after freezeBatchNormAt training runs the folded (deployed) layer', () => {
      const conv = new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, batchNorm: true, activation: 'relu', seed: 5 });
      randomizeBn(conv, 30);
      prepare(conv, { rules: [{ match: '*', weight: { quantizer: 'uniform', bits: 8, perChannel: true } }], schedule: { freezeBatchNormAt: 1 } }, { onWarning: () => {} });
      const x = img();
      applySchedule(conv, 0);
      // the weight the step quantizes is folded with the running statistics before the step updates them
      const folded = tf.tidy(() => Array.from(tf.max(tf.abs(conv.foldedWeight()), [0, 1, 2]).dataSync()));
      tf.tidy(() => {
        conv.forward(x);
      });
      const scales = Array.from((conv.getQuantizer('weight') as NonNullable<ReturnType<Conv2d['getQuantizer']>>).qparams().scale);
      scales.forEach((s, c) => expect(s).toBeCloseTo(folded[c] / 127, 6));
      // frozen batch norm: the training forward is the eval forward
      applySchedule(conv, 1);
      const trainOut = tf.tidy(() => Array.from(conv.forward(x).dataSync()));
      conv.eval();
      const evalOut = tf.tidy(() => Array.from(conv.forward(x).dataSync()));
      expect(trainOut).toEqual(evalOut);
      x.dispose();
      conv.dispose();
    });
  });
}
