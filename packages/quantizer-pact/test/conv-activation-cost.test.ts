// Regression: PACT on a conv activation (rank 4) took minutes per training step. pactClip spread alpha
// to x's shape with tf.broadcastTo, a Tile, whose tfjs gradient adds one slice of dy per element of x
// (each slice reads all of dy): quadratic in the activation's size, so LeNet's fit() with PACT did not
// finish. The backward pass must run a fixed number of kernels, whatever the activation's size.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQuantizer, type QuantPoint, type QuantizeContext } from '@qatjs/core';
import { pactClip, type PactQuantizer } from '@qatjs/quantizer-pact';
import { BACKENDS, randomNormal, useBackend } from '@qatjs/test-utils';

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const ALPHA = 1.5;

function convPoint(h: number, c: number): QuantPoint {
  return {
    name: 'output',
    role: 'activation',
    path: '0',
    layerKind: 'Conv2d',
    label: '0/output',
    shape: [h, h, c],
    channelAxis: 3,
    nonNegative: true,
  };
}

/** The kernels tfjs runs for the gradients of sum(f(x) * dy) with respect to x and alpha. */
async function backwardKernels(shape: number[], f: (x: tf.Tensor, alpha: tf.Variable) => tf.Tensor, alpha: tf.Variable): Promise<string[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(randomNormal(size, 1, 1.2), shape);
  const dy = tf.tensor(randomNormal(size, 2), shape);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x, alpha), dy)) as tf.Scalar, [alpha]);
    tf.dispose([value, grads[alpha.name]]);
  });
  tf.dispose([x, dy]);
  return info.kernels.map((k) => k.name);
}

for (const backend of BACKENDS) {
  describe(`PACT on conv-shaped activations (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('pactClip: the backward pass runs a fixed number of kernels, not one (or more) per element', async () => {
      const alpha = tf.variable(tf.scalar(ALPHA));
      const small = await backwardKernels([2, 4, 4, 3], pactClip, alpha); // 96 elements
      const large = await backwardKernels([2, 8, 8, 6], pactClip, alpha); // 768 elements
      expect(large.length).toBe(small.length);
      expect(small.length).toBeLessThan(50);
      expect(large.filter((k) => k === 'Slice')).toEqual([]);
      alpha.dispose();
    });

    it('PactQuantizer.apply on a rank-4 activation: a fixed kernel count, and PACT gradients', async () => {
      const q = createQuantizer('pact', { bits: 4, alpha: ALPHA }, convPoint(8, 6)) as PactQuantizer;
      const apply = (x: tf.Tensor) => q.apply(x, TRAIN);
      const small = await backwardKernels([2, 4, 4, 6], apply, q.alpha);
      const large = await backwardKernels([2, 8, 8, 6], apply, q.alpha);
      expect(large.length).toBe(small.length);
      expect(small.length).toBeLessThan(60);

      const shape = [2, 8, 8, 6];
      const xv = randomNormal(768, 3, 1.2);
      const dyv = randomNormal(768, 4);
      let want = 0;
      xv.forEach((v, i) => (want += v >= ALPHA ? dyv[i] : 0));
      const got = tf.tidy(() => {
        const dy = tf.tensor(dyv, shape);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(apply(tf.tensor(xv, shape)), dy)) as tf.Scalar, [q.alpha]);
        return grads[q.alpha.name].dataSync()[0];
      });
      expect(Math.abs(got - want)).toBeLessThan(1e-4 * Math.max(1, Math.abs(want)));
      q.dispose();
    });
  });
}
