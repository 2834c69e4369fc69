import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, beforeAll } from 'vitest';
import '@qatjs/core';
import { BACKENDS, useBackend, runtimeName } from '@qatjs/test-utils';

// tfjs-core alone registers no gradients; @qatjs/core bundles them (scripts/bundle-gradients.mjs). This proves the
// registration works under whichever runtime runs the file (node, bun, deno).
for (const backend of BACKENDS) {
  describe(`tfjs gradients through @qatjs/core (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend, { kernelLeakChecks: true });
    });

    it(`differentiates div, mul, sum, matMul and relu under ${runtimeName()}`, () => {
      const x = tf.tensor2d([[1, -2], [3, 4]]);
      const w = tf.tensor2d([[0.5, 1], [-1, 2]]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.relu(tf.div(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), tf.scalar(2)))));
      const [ga, gb] = g([x, w]);
      // y = relu(x w / 2); x w = [[2.5, -3], [-2.5, 11]]: mask [[1,0],[0,1]]
      // dL/dx = mask/2 @ w^T, dL/dw = x^T @ mask/2
      expect(Array.from(ga.dataSync())).toEqual([0.25, -0.5, 0.5, 1]);
      expect(Array.from(gb.dataSync())).toEqual([0.5, 1.5, -1, 2]);
      tf.dispose([x, w, ga, gb]);
    });
  });
}
