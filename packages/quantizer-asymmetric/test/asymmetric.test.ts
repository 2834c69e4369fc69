import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQuantizer, getQuantizerPlugin, qrange, type QuantPoint, type QuantizeContext } from '@qatjs/core';
import { asymmetricQuantizer } from '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-uniform';
import { BACKENDS, randomNormal, randomUniform, refFakeQuantize, refQParams, useBackend } from '@qatjs/test-utils';

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const EVAL: QuantizeContext = { training: false, observe: false, fakeQuant: true };
const point = (over: Partial<QuantPoint> = {}): QuantPoint => ({ name: 'output', role: 'activation', path: 'act', layerKind: 'Gelu', label: 'act/output', channelAxis: 1, ...over });
const plain = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

for (const backend of BACKENDS) {
  describe(`asymmetric quantizer (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('registers itself as "asymmetric" on import', () => {
      expect(getQuantizerPlugin('asymmetric')).toBe(asymmetricQuantizer);
    });

    it('fits an affine grid to a skewed range and quantizes exactly as the reference', () => {
      // GELU-like outputs: mostly positive, a small negative tail
      const data = randomUniform(300, 1, -0.17, 3);
      for (const signed of [false, true]) {
        const q = createQuantizer('asymmetric', { bits: 8, signed }, point());
        const x = tf.tensor2d(data, [100, 3]);
        const y = tf.tidy(() => plain(q.apply(x, TRAIN).dataSync()));
        const { qmin, qmax } = qrange(q.spec);
        const want = refQParams(Math.min(...data), Math.max(...data), { qmin, qmax, symmetric: false, signed });
        expect(q.qparams().scale[0]).toBe(want.scale);
        expect(q.qparams().zeroPoint[0]).toBe(want.zeroPoint);
        expect(want.zeroPoint).not.toBe(signed ? 0 : qmin); // the zero point moved off the grid's end
        expect(y).toEqual(plain(refFakeQuantize(data, [100, 3], { scale: [want.scale], zeroPoint: [want.zeroPoint], qmin, qmax })));
        x.dispose();
      }
    });

    it('uses the whole grid where symmetric quantization wastes half of it', () => {
      const data = randomUniform(400, 2, 0, 1); // all positive, but declared signed
      const x = tf.tensor1d(data);
      const err = (name: string) => {
        const q = createQuantizer(name, { bits: 4, signed: true }, point({ channelAxis: 0 }));
        return tf.tidy(() => tf.mean(tf.square(tf.sub(q.apply(x, TRAIN), x))).dataSync()[0]);
      };
      expect(err('asymmetric')).toBeLessThan(err('uniform') / 2);
      x.dispose();
    });

    it('quantizes weights per channel with a zero point per channel', () => {
      const w = randomNormal(24, 3);
      for (let i = 0; i < 24; i += 4) w[i] = Math.abs(w[i]) + 1; // channel 0 all positive
      const q = createQuantizer('asymmetric', { bits: 8, perChannel: true }, point({ name: 'weight', role: 'weight', label: 'act/weight' }));
      const x = tf.tensor2d(w, [6, 4]);
      const y = tf.tidy(() => plain(q.apply(x, EVAL).dataSync()));
      const { scale, zeroPoint, qmin, qmax } = q.qparams();
      expect(zeroPoint[0]).toBe(qmin); // min widened to 0 sits at the lowest code
      expect(y).toEqual(plain(refFakeQuantize(w, [6, 4], { scale: Array.from(scale), zeroPoint: Array.from(zeroPoint), qmin, qmax, axis: 1 })));
      x.dispose();
    });

    it('rejects narrowRange on the default unsigned activation grid', () => {
      expect(() => createQuantizer('asymmetric', { bits: 8, narrowRange: true }, point({ nonNegative: true }))).toThrow(/narrowRange applies to signed specs only/);
    });
  });
}
