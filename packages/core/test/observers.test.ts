import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MIN_SCALE,
  NonFiniteError,
  QatjsError,
  QuantizerOptionError,
  createObserver,
  listObservers,
  qparamsFromRange,
  qrange,
  quantizationError,
  resolveObserver,
  type QuantSpec,
} from '@qatjs/core';
import { BACKENDS, randomNormal, refPercentile, refQParams, useBackend } from '@qatjs/test-utils';

const INT8: QuantSpec = { bits: 8, signed: true, symmetric: true };
const UINT8_AFFINE: QuantSpec = { bits: 8, signed: false, symmetric: false };

function make(name: string, spec: QuantSpec, options: Record<string, unknown> = {}) {
  return createObserver(resolveObserver({ name, ...options }, 'test'), { spec, label: 'layer.0/input' });
}

for (const backend of BACKENDS) {
  describe(`observers (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend, { kernelLeakChecks: true });
    });

    it('registers the four built-in observers', () => {
      expect(listObservers()).toEqual(expect.arrayContaining(['minMax', 'movingAverageMinMax', 'percentile', 'mse']));
    });

    it('minMax keeps the running min and max, per tensor and per channel', () => {
      const o = make('minMax', INT8);
      tf.tidy(() => {
        o.observe(tf.tensor1d([-1, 2, 0.5]));
        o.observe(tf.tensor1d([-3, 1]));
      });
      expect(Array.from(o.range().min)).toEqual([-3]);
      expect(Array.from(o.range().max)).toEqual([2]);
      const pc = make('minMax', { ...INT8, axis: 1 });
      tf.tidy(() => pc.observe(tf.tensor2d([[1, -5, 3], [-2, 4, 0]])));
      expect(Array.from(pc.range().min)).toEqual([-2, -5, 0]);
      expect(Array.from(pc.range().max)).toEqual([1, 4, 3]);
      expect(pc.count).toBe(1);
    });

    it('movingAverageMinMax starts at the first batch and moves by momentum', () => {
      const o = make('movingAverageMinMax', INT8, { momentum: 0.25 });
      tf.tidy(() => {
        o.observe(tf.tensor1d([-4, 8]));
        o.observe(tf.tensor1d([0, 0]));
      });
      expect(Array.from(o.range().min)).toEqual([-4 + 0.25 * 4]);
      expect(Array.from(o.range().max)).toEqual([8 - 0.25 * 8]);
    });

    it('percentile matches a sort-based reference and averages batches', () => {
      const a = randomNormal(1001, 1);
      const b = randomNormal(777, 2, 3);
      const sym = make('percentile', INT8, { percentile: 99 });
      const aff = make('percentile', UINT8_AFFINE, { percentile: 99 });
      tf.tidy(() => {
        for (const o of [sym, aff]) {
          o.observe(tf.tensor1d(a));
          o.observe(tf.tensor1d(b));
        }
      });
      const absA = refPercentile(Array.from(a, Math.abs), 99);
      const absB = refPercentile(Array.from(b, Math.abs), 99);
      expect(sym.range().max[0]).toBeCloseTo((absA + absB) / 2, 5);
      expect(sym.range().min[0]).toBeCloseTo(-(absA + absB) / 2, 5);
      expect(aff.range().max[0]).toBeCloseTo((refPercentile(a, 99) + refPercentile(b, 99)) / 2, 5);
      expect(aff.range().min[0]).toBeCloseTo((refPercentile(a, 1) + refPercentile(b, 1)) / 2, 5);
    });

    it('percentile works per channel', () => {
      const data = randomNormal(4 * 50, 3);
      const o = make('percentile', { ...UINT8_AFFINE, axis: 0 }, { percentile: 90 });
      tf.tidy(() => o.observe(tf.tensor2d(data, [4, 50])));
      for (let c = 0; c < 4; c++) {
        const row = data.slice(c * 50, (c + 1) * 50);
        expect(o.range().max[c]).toBeCloseTo(refPercentile(row, 90), 5);
        expect(o.range().min[c]).toBeCloseTo(refPercentile(row, 10), 5);
      }
    });

    it('mse finds the clip a brute-force search finds, and beats min/max on heavy tails', () => {
      const data = randomNormal(2000, 4);
      data[0] = 25; // one outlier: min/max wastes the grid on it
      const spec: QuantSpec = { bits: 4, signed: true, symmetric: true };
      const o = make('mse', spec, { gridSize: 50 });
      tf.tidy(() => o.observe(tf.tensor1d(data)));
      const top = o.range().max[0];
      // brute force over the same candidates
      const maxAbs = Math.max(...Array.from(data, Math.abs));
      let best = Infinity;
      let bestClip = 0;
      for (let i = 50; i >= 1; i--) {
        const c = maxAbs * (i / 50);
        const err = quantizationError(data, -c, c, spec);
        if (err < best) {
          best = err;
          bestClip = c;
        }
      }
      expect(top).toBeCloseTo(bestClip, 6);
      expect(top).toBeLessThan(maxAbs / 2);
      expect(quantizationError(data, -top, top, spec)).toBeLessThan(quantizationError(data, -maxAbs, maxAbs, spec));
    });

    it('gives a valid nonzero scale for all-zero and all-equal tensors, never NaN', () => {
      for (const name of ['minMax', 'movingAverageMinMax', 'percentile', 'mse']) {
        for (const spec of [INT8, UINT8_AFFINE, { ...INT8, axis: 1 }]) {
          for (const fill of [0, 5, -3]) {
            const o = make(name, spec);
            tf.tidy(() => o.observe(tf.fill([3, 4], fill)));
            const p = qparamsFromRange(o.range(), spec);
            for (const s of p.scale) {
              expect(Number.isFinite(s)).toBe(true);
              expect(s).toBeGreaterThanOrEqual(Math.fround(MIN_SCALE));
            }
            for (const z of p.zeroPoint) expect(Number.isInteger(z)).toBe(true);
          }
        }
      }
    });

    it('rejects NaN and Infinity naming the quantization point', () => {
      for (const name of ['minMax', 'movingAverageMinMax', 'percentile', 'mse']) {
        const o = make(name, INT8);
        expect(() => tf.tidy(() => o.observe(tf.tensor1d([1, NaN])))).toThrow(NonFiniteError);
        expect(() => tf.tidy(() => o.observe(tf.tensor1d([Infinity])))).toThrow(/observer at 'layer\.0\/input': input contains Infinity at flat index 0/);
        expect(o.count).toBe(0); // a rejected batch changes nothing
      }
    });

    it('rejects empty tensors, int tensors and a changing channel count', () => {
      const o = make('minMax', { ...INT8, axis: 0 });
      expect(() => tf.tidy(() => o.observe(tf.tensor1d([], 'float32')))).toThrow(/cannot observe an empty tensor/);
      expect(() => tf.tidy(() => o.observe(tf.tensor1d([1], 'int32')))).toThrow(/expected a float32 tensor, got int32/);
      tf.tidy(() => o.observe(tf.tensor1d([1, 2])));
      expect(() => tf.tidy(() => o.observe(tf.tensor1d([1, 2, 3])))).toThrow(/got 3 channels, earlier batches had 2/);
      expect(() => o.range()).not.toThrow();
      expect(() => make('minMax', INT8).range()).toThrow(/nothing observed yet/);
    });

    it('state() and load() round-trip exactly through JSON', () => {
      for (const name of ['minMax', 'movingAverageMinMax', 'percentile', 'mse']) {
        const a = make(name, { ...UINT8_AFFINE, axis: 0 });
        tf.tidy(() => {
          a.observe(tf.tensor2d(randomNormal(60, 5), [3, 20]));
          a.observe(tf.tensor2d(randomNormal(60, 6), [3, 20]));
        });
        const b = make(name, { ...UINT8_AFFINE, axis: 0 });
        b.load(JSON.parse(JSON.stringify(a.state())));
        expect(b.count).toBe(2);
        expect(Array.from(b.range().min)).toEqual(Array.from(a.range().min));
        expect(Array.from(b.range().max)).toEqual(Array.from(a.range().max));
      }
      const o = make('minMax', INT8);
      expect(() => o.load({ observer: 'mse', count: 1, min: [0], max: [1] })).toThrow(/state is for observer "mse"/);
      expect(() => o.load({ observer: 'minMax', count: 1, min: [0], max: [NaN] })).toThrow(/malformed state/);
      expect(() => o.load({ observer: 'minMax', count: 1, min: [], max: [] })).toThrow(/has a count but no range/);
    });
  });
}

describe('observer options', () => {
  it('validates options with errors that name the observer and the option', () => {
    expect(() => resolveObserver({ name: 'movingAverageMinMax', momentum: 0 }, "quantizer 'u'")).toThrow(
      /observer 'movingAverageMinMax': option 'momentum' must be a number in \(0, 1\], got 0/,
    );
    expect(() => resolveObserver({ name: 'percentile', percentile: 101 }, 'q')).toThrow(/option 'percentile' must be a number in \(50, 100\]/);
    expect(() => resolveObserver({ name: 'mse', grid: 10 }, 'q')).toThrow(/unknown option 'grid' \(known options: gridSize\)/);
    expect(() => resolveObserver('median', "quantizer 'u'")).toThrow(QuantizerOptionError);
    expect(() => resolveObserver('median', "quantizer 'u'")).toThrow(/unknown observer "median"; registered: minMax, movingAverageMinMax, mse, percentile/);
    expect(() => resolveObserver(42, "quantizer 'u'")).toThrow(/option 'observer' must be an observer name/);
  });
});

describe('qparamsFromRange', () => {
  it('follows the symmetric and affine formulas, per channel', () => {
    const range = { min: Float64Array.of(-1, 0.5, -3, 0, -2), max: Float64Array.of(2, 4, -1, 0, 2) };
    for (const spec of [
      { bits: 8, signed: true, symmetric: true },
      { bits: 8, signed: true, symmetric: true, narrowRange: true },
      { bits: 4, signed: false, symmetric: true },
      { bits: 8, signed: false, symmetric: false },
      { bits: 3, signed: true, symmetric: false },
    ]) {
      const p = qparamsFromRange(range, spec);
      const { qmin, qmax } = qrange(spec);
      for (let c = 0; c < 5; c++) {
        const want = refQParams(range.min[c], range.max[c], { qmin, qmax, symmetric: spec.symmetric, signed: spec.signed });
        expect(p.scale[c]).toBe(want.scale);
        expect(p.zeroPoint[c]).toBe(want.zeroPoint);
      }
    }
  });

  it('maps the observed range onto the grid ends (affine: 0 exactly representable)', () => {
    const p = qparamsFromRange({ min: Float64Array.of(-1), max: Float64Array.of(3) }, { bits: 8, signed: false, symmetric: false });
    expect(p.scale[0]).toBe(Math.fround(4 / 255));
    expect(p.zeroPoint[0]).toBe(64); // 0 - round(-1 / (4/255)) = round(63.75) = 64
    const s = qparamsFromRange({ min: Float64Array.of(-2), max: Float64Array.of(1) }, { bits: 8, signed: true, symmetric: true, narrowRange: true });
    expect(s.scale[0]).toBe(Math.fround(2 / 127));
    expect(s.qmin).toBe(-127);
    // min / scale = -1.5 exactly: the zero point rounds half to even (2), not half up (1)
    const tie = qparamsFromRange({ min: Float64Array.of(-1.5), max: Float64Array.of(1.5) }, { bits: 2, signed: false, symmetric: false });
    expect(tie.scale[0]).toBe(1);
    expect(tie.zeroPoint[0]).toBe(2);
  });

  it('rejects mismatched and non-finite ranges', () => {
    expect(() => qparamsFromRange({ min: Float64Array.of(0, 1), max: Float64Array.of(1) }, INT8)).toThrow(QatjsError);
    expect(() => qparamsFromRange({ min: Float64Array.of(NaN), max: Float64Array.of(1) }, INT8)).toThrow(/not finite/);
  });
});
