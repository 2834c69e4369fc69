import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  QatjsError,
  createQuantizer,
  getQuantizerPlugin,
  observedQuantizerPlugin,
  qrange,
  type QuantPoint,
  type QuantizeContext,
} from '@qatjs/core';
import { uniformQuantizer } from '@qatjs/quantizer-uniform';
import { BACKENDS, randomNormal, refFakeQuantize, refQParams, useBackend } from '@qatjs/test-utils';

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const EVAL: QuantizeContext = { training: false, observe: false, fakeQuant: true };
const weightPoint: QuantPoint = {
  name: 'weight',
  role: 'weight',
  path: 'conv1',
  layerKind: 'Conv2d',
  label: 'conv1/weight',
  shape: [3, 3, 2, 4],
  channelAxis: 3,
};
const actPoint = (nonNegative: boolean): QuantPoint => ({
  name: 'output',
  role: 'activation',
  path: 'fc',
  layerKind: 'Dense',
  label: 'fc/output',
  channelAxis: 1,
  nonNegative,
});

const plain = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

for (const backend of BACKENDS) {
  describe(`uniform quantizer (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('registers itself as "uniform" on import', () => {
      expect(getQuantizerPlugin('uniform')).toBe(uniformQuantizer);
    });

    it('quantizes weights per channel on a symmetric narrow grid, exactly as the reference', () => {
      const q = createQuantizer('uniform', { bits: 4, perChannel: true, narrowRange: true }, weightPoint);
      expect(q.spec).toEqual({ bits: 4, signed: true, symmetric: true, narrowRange: true, axis: 3 });
      const data = randomNormal(72, 1);
      const w = tf.tensor4d(data, [3, 3, 2, 4]);
      const y = tf.tidy(() => plain(q.apply(w, EVAL).dataSync())); // a weight point observes on first use, even in eval
      const { qmin, qmax } = qrange(q.spec);
      const scale: number[] = [];
      for (let c = 0; c < 4; c++) {
        const vals = data.filter((_, i) => i % 4 === c);
        scale.push(refQParams(Math.min(...vals), Math.max(...vals), { qmin, qmax, symmetric: true, signed: true }).scale);
      }
      expect(Array.from(q.qparams().scale)).toEqual(scale);
      expect(Array.from(q.qparams().zeroPoint)).toEqual([0, 0, 0, 0]);
      expect(y).toEqual(plain(refFakeQuantize(data, [3, 3, 2, 4], { scale, zeroPoint: [0, 0, 0, 0], qmin, qmax, axis: 3 })));
      w.dispose();
    });

    it('tracks the current weights (last value), not a running range', () => {
      const q = createQuantizer('uniform', { bits: 8 }, weightPoint);
      tf.tidy(() => {
        q.apply(tf.fill([3, 3, 2, 4], 10), TRAIN);
      });
      tf.tidy(() => {
        q.apply(tf.fill([3, 3, 2, 4], 1), TRAIN);
      });
      expect(q.qparams().scale[0]).toBe(Math.fround(1 / 127));
    });

    it('uses an unsigned grid after ReLU and a signed one otherwise; activations average with EMA', () => {
      const relu = createQuantizer('uniform', { bits: 8, observer: { name: 'movingAverageMinMax', momentum: 0.5 } }, actPoint(true));
      expect(relu.spec.signed).toBe(false);
      expect(createQuantizer('uniform', { bits: 8 }, actPoint(false)).spec.signed).toBe(true);
      tf.tidy(() => {
        relu.apply(tf.tensor2d([[0, 2]]), TRAIN);
      });
      tf.tidy(() => {
        relu.apply(tf.tensor2d([[0, 4]]), TRAIN);
      });
      expect(relu.qparams().scale[0]).toBe(Math.fround(3 / 255));
      // eval does not observe
      tf.tidy(() => {
        relu.apply(tf.tensor2d([[0, 100]]), EVAL);
      });
      expect(relu.qparams().scale[0]).toBe(Math.fround(3 / 255));
    });

    it('passes x through untouched when fake quantization is off, still observing', () => {
      const q = createQuantizer('uniform', { bits: 2 }, actPoint(false));
      const x = tf.tensor2d([[0.3, -0.7]]);
      const y = q.apply(x, { training: false, observe: true, fakeQuant: false });
      expect(y).toBe(x);
      expect(q.qparams().scale[0]).toBe(Math.fround(0.7 / 1));
      x.dispose();
    });

    it('explains an activation quantizer that has seen nothing', () => {
      const q = createQuantizer('uniform', { bits: 8 }, actPoint(false));
      expect(() => tf.tidy(() => q.apply(tf.ones([1, 2]), EVAL))).toThrow(/quantizer 'uniform' at 'fc\/output' has no statistics yet/);
    });

    it('rejects NaN input naming the quantizer and the point, without changing state', () => {
      const q = createQuantizer('uniform', { bits: 8 }, actPoint(false));
      tf.tidy(() => {
        q.apply(tf.tensor2d([[1, -1]]), TRAIN);
      });
      const before = q.state();
      expect(() => tf.tidy(() => q.apply(tf.tensor2d([[NaN, 1]]), TRAIN))).toThrow(NonFiniteError);
      expect(() => tf.tidy(() => q.apply(tf.tensor2d([[NaN, 1]]), TRAIN))).toThrow(/observer at 'fc\/output': input contains NaN/);
      expect(q.state()).toEqual(before);
    });

    it('passes the clipped straight-through gradient', () => {
      const q = createQuantizer('uniform', { bits: 4 }, actPoint(false));
      tf.tidy(() => {
        q.apply(tf.tensor2d([[-1, 1]]), TRAIN);
      }); // scale 1/7; codes -8..7
      q.freeze();
      const g = tf.tidy(() =>
        Array.from(
          tf
            .grad((x: tf.Tensor) => tf.sum(q.apply(x, TRAIN)))(tf.tensor2d([[0.5, 2, -2, -1.1]]))
            .dataSync()
        )
      );
      expect(g).toEqual([1, 0, 0, 1]); // -1.1 * 7 = -7.7 -> -8 is still on the grid
    });

    it('freezes: no more observing', () => {
      const q = createQuantizer('uniform', { bits: 8 }, actPoint(false));
      tf.tidy(() => {
        q.apply(tf.tensor2d([[1, -1]]), TRAIN);
      });
      q.freeze();
      tf.tidy(() => {
        q.apply(tf.tensor2d([[50, -50]]), TRAIN);
      });
      expect(q.frozen).toBe(true);
      expect(q.qparams().scale[0]).toBe(Math.fround(1 / 127));
    });

    it('round-trips state through JSON exactly, and rejects foreign or malformed state', () => {
      const a = createQuantizer('uniform', { bits: 6, observer: 'percentile' }, actPoint(false));
      tf.tidy(() => {
        a.apply(tf.tensor2d(randomNormal(200, 3), [100, 2]), TRAIN);
        a.apply(tf.tensor2d(randomNormal(200, 4), [100, 2]), TRAIN);
      });
      a.freeze();
      const b = createQuantizer('uniform', { bits: 6, observer: 'percentile' }, actPoint(false));
      b.load(JSON.parse(JSON.stringify(a.state())));
      expect(b.frozen).toBe(true);
      expect(Array.from(b.qparams().scale)).toEqual(Array.from(a.qparams().scale));
      const x = tf.tensor2d(randomNormal(20, 5), [10, 2]);
      expect(tf.tidy(() => Array.from(b.apply(x, EVAL).dataSync()))).toEqual(tf.tidy(() => Array.from(a.apply(x, EVAL).dataSync())));
      x.dispose();
      expect(() => b.load({ quantizer: 'lsq', frozen: false, data: {} })).toThrow(/at 'fc\/output': state is for quantizer "lsq"/);
      expect(() => b.load({ quantizer: 'uniform', frozen: 'no' as never, data: {} })).toThrow(QatjsError);
      expect(() =>
        b.load({ quantizer: 'uniform', frozen: false, data: { observer: { observer: 'minMax', count: 1, min: [0], max: [1] } } })
      ).toThrow(/state is for observer "minMax"/);
    });

    it('keeps tensor counts flat across many applications', () => {
      const q = createQuantizer('uniform', { bits: 8, perChannel: true }, actPoint(false));
      const x = tf.tensor2d(randomNormal(64, 6), [8, 8]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++)
        tf.tidy(() => {
          q.apply(x, TRAIN);
        });
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  });
}

describe('uniform quantizer: powerOfTwoScale', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('rounds each observed scale up to a power of two; fake quantization uses that grid', () => {
    const plainQ = createQuantizer('uniform', { bits: 8, perChannel: true }, weightPoint);
    const pow2Q = createQuantizer('uniform', { bits: 8, perChannel: true, powerOfTwoScale: true }, weightPoint);
    const data = randomNormal(72, 3);
    const w = tf.tensor4d(data, [3, 3, 2, 4]);
    tf.tidy(() => plainQ.apply(w, EVAL));
    const y = tf.tidy(() => plain(pow2Q.apply(w, EVAL).dataSync()));
    const observed = Array.from(plainQ.qparams().scale);
    const scale = Array.from(pow2Q.qparams().scale);
    for (let c = 0; c < 4; c++) {
      const e = Math.log2(scale[c]);
      expect(Number.isInteger(e)).toBe(true);
      expect(scale[c]).toBeGreaterThanOrEqual(observed[c]);
      expect(scale[c] / 2).toBeLessThan(observed[c]);
    }
    expect(y).toEqual(plain(refFakeQuantize(data, [3, 3, 2, 4], { scale, zeroPoint: [0, 0, 0, 0], qmin: -128, qmax: 127, axis: 3 })));
    w.dispose();
  });

  it('is an option of symmetric plugins only: an affine observed plugin refuses it by name', () => {
    const affine = observedQuantizerPlugin({ name: 'affine-test', description: 'affine', symmetric: false });
    expect(() => affine.validate({ bits: 8, powerOfTwoScale: true })).toThrow(/unknown option 'powerOfTwoScale'/);
    expect(() => createQuantizer('uniform', { bits: 8, powerOfTwoScale: 1 }, actPoint(false))).toThrow(/powerOfTwoScale/);
  });
});
