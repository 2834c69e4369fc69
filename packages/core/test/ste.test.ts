import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError, floorSTE, gradScale, roundSTE } from '@qatjs/core';
import { BACKENDS, useBackend } from '@qatjs/test-utils';

for (const backend of BACKENDS) {
  describe(`STE helpers (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend, { kernelLeakChecks: true });
    });

    it('roundSTE rounds half to even and passes the gradient through', () => {
      const x = tf.tensor1d([-1.5, -0.5, 0.5, 1.5, 2.5, 0.7]);
      expect(Array.from(roundSTE(x).dataSync(), (v) => v + 0)).toEqual([-2, 0, 0, 2, 2, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(roundSTE(v), tf.tensor1d([1, 2, 3, 4, 5, 6]))))(x);
      expect(Array.from(g.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      tf.dispose([x, g]);
    });

    it('floorSTE floors and passes the gradient through', () => {
      const x = tf.tensor1d([-1.5, 0.5, 1.9]);
      expect(Array.from(floorSTE(x).dataSync())).toEqual([-2, 0, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(floorSTE(v)))(x);
      expect(Array.from(g.dataSync())).toEqual([1, 1, 1]);
      tf.dispose([x, g]);
    });

    it('gradScale is the identity forward and scales the gradient', () => {
      const s = tf.scalar(0.3);
      expect(gradScale(s, 0.25).dataSync()[0]).toBeCloseTo(0.3, 7);
      // d/ds (gradScale(s, g) * 4) = 4 * g
      const g = tf.grad((v: tf.Tensor) => tf.mul(gradScale(v, 0.25), 4))(s);
      expect(g.dataSync()[0]).toBe(1);
      expect(() => gradScale(s, NaN)).toThrow(QatjsError);
      tf.dispose([s, g]);
    });
  });
}
