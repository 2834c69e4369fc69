import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQuantizer, fakeQuantize, roundSTE, type QuantPoint, type QuantizeContext } from '@qatjs/core';
import { pactClip, type PactQuantizer } from '@qatjs/quantizer-pact';
import { BACKENDS, randomNormal, refFakeQuantize, refFakeQuantizeGrads, useBackend } from '@qatjs/test-utils';

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const point: QuantPoint = {
  name: 'output', role: 'activation', path: 'fc1', layerKind: 'Dense', label: 'fc1/output', shape: [10], channelAxis: 1, nonNegative: true,
};
const ALPHA = 1.5;
const BITS = 3; // codes 0..7

/** Values below 0, at 0, inside, exactly at alpha and above it. */
function makeData(seed: number, withTies: boolean): { x: Float32Array; dy: Float32Array } {
  const x = randomNormal(60, seed, 1.2);
  if (withTies) {
    x[0] = ALPHA;
    x[1] = 0;
  }
  return { x, dy: randomNormal(60, seed + 1) };
}

function pactGrads(q: PactQuantizer, x: Float32Array, dy: Float32Array): { dx: number[]; dalpha: number } {
  return tf.tidy(() => {
    const dyt = tf.tensor2d(dy, [6, 10]);
    const loss = (xv: tf.Tensor) => tf.sum(tf.mul(q.apply(xv, TRAIN), dyt)) as tf.Scalar;
    const dx = Array.from(tf.grad(loss)(tf.tensor2d(x, [6, 10])).dataSync());
    const { grads } = tf.variableGrads(() => loss(tf.tensor2d(x, [6, 10])), [q.alpha]);
    return { dx, dalpha: grads[q.alpha.name].dataSync()[0] };
  });
}

for (const backend of BACKENDS) {
  describe(`PACT gradients (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('forward: clip to [0, alpha], then fake-quantize on codes 0..7 with step alpha / 7', () => {
      const q = createQuantizer('pact', { bits: BITS, alpha: ALPHA }, point);
      const { x } = makeData(1, true);
      const y = tf.tidy(() => Array.from(q.apply(tf.tensor2d(x, [6, 10]), TRAIN).dataSync()));
      const clipped = x.map((v) => Math.min(Math.max(v, 0), ALPHA));
      expect(y).toEqual(Array.from(refFakeQuantize(clipped, [60], { scale: [ALPHA / 7], zeroPoint: [0], qmin: 0, qmax: 7 })));
      expect(Array.from(q.qparams().scale)).toEqual([Math.fround(ALPHA / 7)]);
      q.dispose();
    });

    it("alpha's gradient is exactly PACT's: the sum of dy where x >= alpha; x gets dy where 0 <= x < alpha", () => {
      const q = createQuantizer('pact', { bits: BITS, alpha: ALPHA }, point) as PactQuantizer;
      const { x, dy } = makeData(2, true);
      let dalpha = 0;
      x.forEach((v, i) => (dalpha += v >= ALPHA ? dy[i] : 0));
      const got = pactGrads(q, x, dy);
      expect(Math.abs(got.dalpha - dalpha)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dalpha)));
      expect(got.dx).toEqual(Array.from(x, (v, i) => (v >= 0 && v < ALPHA ? dy[i] : 0)));
      q.dispose();
    });

    it("alpha's gradient equals central finite differences of the STE surrogate", () => {
      const q = createQuantizer('pact', { bits: BITS, alpha: ALPHA }, point) as PactQuantizer;
      const { x, dy } = makeData(3, false);
      // The STE freezes each element's rounding residual at alpha0; what remains depends on alpha through the clip.
      const clip = (v: number, a: number) => Math.min(Math.max(v, 0), a);
      const y0 = refFakeQuantize(x.map((v) => clip(v, ALPHA)), [60], { scale: [ALPHA / 7], zeroPoint: [0], qmin: 0, qmax: 7 });
      const surrogate = (a: number) => x.reduce((s, v, i) => s + dy[i] * (clip(v, a) + (y0[i] - clip(v, ALPHA))), 0);
      const h = 1e-4;
      const fd = (surrogate(ALPHA + h) - surrogate(ALPHA - h)) / (2 * h);
      expect(Math.abs(pactGrads(q, x, dy).dalpha - fd)).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
      q.dispose();
    });

    it('is not the gradient of fakeQuantize(x, alpha / qmax): that adds an LSQ term through the step', () => {
      const q = createQuantizer('pact', { bits: BITS, alpha: ALPHA }, point) as PactQuantizer;
      const { x, dy } = makeData(4, false);
      const naive = tf.tidy(() => {
        const dyt = tf.tensor1d(dy);
        const f = (a: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(tf.tensor1d(x), tf.div(a, 7), tf.scalar(0), { qmin: 0, qmax: 7 }), dyt));
        return tf.grad(f)(tf.scalar(ALPHA)).dataSync()[0];
      });
      // what that gives: fakeQuantize's LSQ scale gradient (docs/numerics.md) times ds/dalpha = 1/7
      const lsq = refFakeQuantizeGrads(x, dy, [60], { scale: [ALPHA / 7], zeroPoint: [0], qmin: 0, qmax: 7 }).dscale[0] / 7;
      expect(Math.abs(naive - lsq)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lsq)));
      const pact = pactGrads(q, x, dy).dalpha;
      expect(Math.abs(naive - pact)).toBeGreaterThan(0.05);
      q.dispose();
    });

    it('matches the same quantizer written with roundSTE, forward and backward', () => {
      const q = createQuantizer('pact', { bits: BITS, alpha: ALPHA }, point) as PactQuantizer;
      const { x, dy } = makeData(5, true);
      const byRoundSTE = (xv: tf.Tensor, alpha: tf.Tensor) => {
        const step = tf.scalar(alpha.dataSync()[0] / 7); // a constant, as in PactQuantizer
        return tf.mul(roundSTE(tf.div(pactClip(xv, alpha), step)), step);
      };
      const [y1, y2] = tf.tidy(() => [q.apply(tf.tensor2d(x, [6, 10]), TRAIN), byRoundSTE(tf.tensor2d(x, [6, 10]), q.alpha)].map((t) => Array.from(t.dataSync())));
      expect(y2).toEqual(y1);
      const viaRoundSTE = tf.tidy(() => {
        const f = (a: tf.Tensor) => tf.sum(tf.mul(byRoundSTE(tf.tensor2d(x, [6, 10]), a), tf.tensor2d(dy, [6, 10])));
        return tf.grad(f)(q.alpha).dataSync()[0];
      });
      expect(Math.abs(viaRoundSTE - pactGrads(q, x, dy).dalpha)).toBeLessThan(1e-5);
      q.dispose();
    });
  });
}
