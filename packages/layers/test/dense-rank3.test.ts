import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@qatjs/core';
import { Dense } from '@qatjs/layers';
import { BACKENDS, closeMismatch, randomNormal, size, useBackend } from '@qatjs/test-utils';

// Dense over [batch, sequence, features]: forward and gradients against plain tfjs on the input
// reshaped to rows ([b * t, in] x [in, out]), and the weight gradient against central differences
// of a loss that is quadratic in the weight (exact for any step up to float rounding).
const [B, T, IN, OUT] = [3, 5, 6, 4];
const tensor = (shape: number[], seed: number) => tf.tensor(randomNormal(size(shape), seed), shape);
const values = (t: tf.Tensor) => Float32Array.from(t.dataSync() as Float32Array);

/** The reference: matMul on rows, reshaped back, plus bias. */
function reference(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, IN]) as tf.Tensor2D, w as tf.Tensor2D), b), [B, T, OUT]);
}

beforeAll(async () => {
  await initBackend('wasm'); // the wasm backend's training kernels (transposed BatchMatMul)
});

for (const backend of BACKENDS) {
  describe(`Dense on rank-3 inputs (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('forward equals matMul on the reshaped input, for rank 3 and rank 4', () => {
      const fc = new Dense({ inFeatures: IN, units: OUT, rank: 3, seed: 7 });
      const fc4 = new Dense({ inFeatures: IN, units: OUT, rank: 4, seed: 7 });
      tf.tidy(() => {
        fc.bias?.assign(tensor([OUT], 3));
        const x = tensor([B, T, IN], 1);
        const y = fc.forward(x);
        expect(y.shape).toEqual([B, T, OUT]);
        expect(closeMismatch(values(y), values(reference(x, fc.weight, fc.bias as tf.Tensor)), 1e-5, 'rank 3')).toBe('');
        const x4 = tf.reshape(x, [B, T, 1, IN]);
        const y4 = fc4.forward(x4);
        expect(y4.shape).toEqual([B, T, 1, OUT]);
        expect(closeMismatch(values(y4), values(tf.matMul(tf.reshape(x, [-1, IN]) as tf.Tensor2D, fc4.weight as tf.Tensor2D)), 1e-5, 'rank 4')).toBe('');
      });
      expect(fc.quantPoints().map((p) => [p.name, p.channelAxis])).toEqual([['input', 2], ['weight', 1], ['output', 2]]);
      fc.dispose();
      fc4.dispose();
    });

    it('gradients of x, weight and bias equal the reference', () => {
      const fc = new Dense({ inFeatures: IN, units: OUT, rank: 3, activation: 'relu', seed: 8 });
      tf.tidy(() => {
        fc.bias?.assign(tensor([OUT], 4));
        const x = tensor([B, T, IN], 2);
        const dy = tensor([B, T, OUT], 5);
        const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, dy)) as tf.Scalar;
        // the layer reads its own variables: their gradients, and the input's
        const got = tf.variableGrads(() => loss(fc.forward(x)), [fc.weight, fc.bias as tf.Variable]);
        const gx = tf.grad((a: tf.Tensor) => loss(fc.forward(a)))(x);
        const want = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => loss(tf.relu(reference(a, w, b))))([x, fc.weight, fc.bias as tf.Tensor]);
        expect(closeMismatch(values(gx), values(want[0]), 1e-5, 'dx')).toBe('');
        expect(closeMismatch(values(got.grads[fc.weight.name]), values(want[1]), 1e-5, 'dw')).toBe('');
        expect(closeMismatch(values(got.grads[(fc.bias as tf.Variable).name]), values(want[2]), 1e-5, 'db')).toBe('');
      });
      fc.dispose();
    });

    it('the weight gradient matches central differences', () => {
      const fc = new Dense({ inFeatures: IN, units: OUT, rank: 3, useBias: false, seed: 9 });
      const x = tensor([B, T, IN], 6);
      const loss = () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(fc.forward(x)))) as tf.Scalar);
      const analytic = tf.tidy(() => values(tf.variableGrads(loss, [fc.weight]).grads[fc.weight.name]));
      const w0 = values(fc.weight);
      const h = 1e-2;
      const numeric = new Float32Array(w0.length);
      for (let i = 0; i < w0.length; i++) {
        const at = (d: number) => {
          const w = Float32Array.from(w0);
          w[i] += d;
          tf.tidy(() => fc.weight.assign(tf.tensor(w, [IN, OUT])));
          const l = loss();
          const v = l.dataSync()[0];
          l.dispose();
          return v;
        };
        numeric[i] = (at(h) - at(-h)) / (2 * h);
      }
      expect(closeMismatch(analytic, numeric, 2e-3, 'dw vs central differences')).toBe('');
      x.dispose();
      fc.dispose();
    });

    it('folds a batch norm over the last axis: batch statistics over batch and sequence', () => {
      const fc = new Dense({ inFeatures: IN, units: OUT, rank: 3, batchNorm: true, seed: 10 });
      fc.train();
      tf.tidy(() => {
        const x = tensor([B, T, IN], 7);
        const z = reference(x, fc.weight, tf.zeros([OUT]));
        const { mean, variance } = tf.moments(z, [0, 1]);
        const want = tf.batchNorm(z, mean, variance, fc.bn?.beta, fc.bn?.gamma, fc.bn?.epsilon);
        expect(closeMismatch(values(fc.forward(x)), values(want), 1e-4, 'batch-norm output')).toBe('');
        // the running mean moved 0.1 of the way to the batch mean
        expect(closeMismatch(values(fc.bn?.runningMean as tf.Tensor), values(tf.mul(mean, 0.1)), 1e-5, 'running mean')).toBe('');
      });
      fc.dispose();
    });
  });
}
