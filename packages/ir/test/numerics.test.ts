import { describe, expect, it } from 'vitest';
import { refFakeQuantize, refRoundHalfEven } from '@qatjs/test-utils/reference';
import { rng } from '@qatjs/test-utils/random';
import { addQuantized, averageRequantize, dequantizeValue, quantizeValue, requantMultiplier, requantize, roundHalfEven } from '@qatjs/ir';

const f32 = Math.fround;

describe('roundHalfEven', () => {
  it('rounds ties to even and agrees with the float64 reference', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 4, -4]);
    const r = rng(9);
    for (let i = 0; i < 20_000; i++) {
      const v = i % 2 === 0 ? Math.floor((r() - 0.5) * 2000) + 0.5 : (r() - 0.5) * 1e6;
      expect(roundHalfEven(v)).toBe(refRoundHalfEven(v));
    }
    expect(roundHalfEven(2 ** 52 - 0.5)).toBe(2 ** 52);
    expect(roundHalfEven(2 ** 53)).toBe(2 ** 53);
  });
});

describe('quantizeValue / dequantizeValue', () => {
  it('is the fake-quantizer of docs/numerics.md bit for bit, ties and clip edges included', () => {
    const r = rng(4);
    const grid = { scale: [f32(0.0371)], zeroPoint: [-7], qmin: -128, qmax: 127 };
    const s = grid.scale[0];
    // random values, exact ties k + 0.5 steps, and values just outside the clip range
    const x = [
      ...Array.from({ length: 5000 }, () => (r() - 0.5) * 12),
      ...Array.from({ length: 200 }, (_, k) => f32((k - 100 + 0.5) * s)),
      f32((127 + 7) * s), f32((-128 + 7) * s), 1e9, -1e9,
    ];
    const ref = refFakeQuantize(x, [x.length], grid);
    x.forEach((v, i) => {
      expect(dequantizeValue(quantizeValue(v, s, -7, -128, 127), s, -7)).toBe(ref[i]);
    });
  });
  it('divides by the scale (x / s), not multiplies by 1 / s', () => {
    // values one float32 ulp around the ties k + 0.5: there the two roundings part ways
    const s = f32(0.1);
    const inv = f32(1 / s);
    const bits = new Float32Array(1);
    const asInt = new Int32Array(bits.buffer);
    let found = 0;
    for (let k = -20000; k < 20000 && found < 20; k++) {
      bits[0] = (k + 0.5) * s;
      asInt[0] += k % 2 === 0 ? 1 : -1;
      const x = bits[0];
      if (roundHalfEven(f32(x / s)) !== roundHalfEven(f32(x * inv))) {
        expect(quantizeValue(x, s, 0, -1e9, 1e9)).toBe(roundHalfEven(f32(x / s)));
        found++;
      }
    }
    expect(found).toBeGreaterThan(0);
  });
  it('maps NaN to the low clip edge and infinities to the clip edges', () => {
    expect(quantizeValue(NaN, 0.1, 3, -128, 127)).toBe(-128);
    expect(quantizeValue(NaN, 0.1, -128, -100, 127)).toBe(-100);
    expect(quantizeValue(Infinity, 0.1, 3, -128, 127)).toBe(127);
    expect(quantizeValue(-Infinity, 0.1, 3, 0, 255)).toBe(0);
  });
});

describe('requantize', () => {
  it('multiplies in float32, rounds half to even, adds the zero point, clamps', () => {
    expect(requantize(5, 0.5, 0, -128, 127)).toBe(2);
    expect(requantize(7, 0.5, 0, -128, 127)).toBe(4);
    expect(requantize(-5, 0.5, 10, -128, 127)).toBe(8);
    expect(requantize(1000, 0.5, 0, -128, 127)).toBe(127);
    expect(requantize(-1000, 0.5, -128, -128, 127)).toBe(-128);
    expect(requantize(100, 0.5, -128, -100, 0)).toBe(-78);
  });
  it('converts the accumulator to float32 first (nearest even above 2^24)', () => {
    expect(requantize(2 ** 24 + 1, 1, 0, -(2 ** 31), 2 ** 31 - 1)).toBe(2 ** 24);
    expect(requantize(2 ** 24 + 3, 1, 0, -(2 ** 31), 2 ** 31 - 1)).toBe(2 ** 24 + 4);
  });
  it('computes a multiplier with one rounding to float32', () => {
    const [sx, sw, sy] = [f32(0.013), f32(0.0071), f32(0.047)];
    expect(requantMultiplier(0.013, 0.0071, 0.047)).toBe(f32((sx * sw) / sy));
    // one rounding differs from rounding the product first for some scales: find such a case
    const r = rng(2);
    let differs = 0;
    for (let i = 0; i < 20_000; i++) {
      const [a, b, c] = [f32(r()), f32(r()), f32(r() + 0.01)];
      if (f32(f32(a * b) / c) !== f32((a * b) / c)) {
        expect(requantMultiplier(a, b, c)).toBe(f32((a * b) / c));
        differs++;
      }
    }
    expect(differs).toBeGreaterThan(0);
  });
});

describe('averageRequantize', () => {
  it('averages in float32 then rescales: with m = 1 it is sum / count rounded half to even', () => {
    expect([5, 7, -5, -7, 9, 10].map((sum) => averageRequantize(sum, 2, 1, 0, -128, 127))).toEqual([2, 4, -2, -4, 4, 5]);
    expect(averageRequantize(10, 4, 2, 3, -128, 127)).toBe(8); // 2.5 * 2 = 5, + 3
    expect(averageRequantize(1000, 1, 1, 0, -128, 127)).toBe(127);
    const r = rng(5);
    for (let i = 0; i < 2000; i++) {
      const count = 1 + Math.floor(r() * 9);
      const sum = Math.floor((r() - 0.5) * 255 * count);
      expect(averageRequantize(sum, count, 1, 0, -1e9, 1e9) + 0).toBe(refRoundHalfEven(sum / count) + 0);
    }
  });
});

describe('addQuantized', () => {
  it('rescales both inputs to the output scale in float32, adds, rounds, clamps', () => {
    expect(addQuantized(10, 0, 0.5, -4, 0, 0.25, 2, 1, -128, 127)).toBe(3); // 10 * 0.25 + -4 * 0.125 = 2, + 1
    expect(addQuantized(100, 0, 1, 100, 0, 1, 1, 0, -128, 127)).toBe(127);
    const r = rng(8);
    const m = new Float32Array(4);
    for (let i = 0; i < 2000; i++) {
      const [a, b] = [Math.floor(r() * 256) - 128, Math.floor(r() * 256) - 128];
      m[0] = f32(0.02) / f32(0.045); // each step rounded to float32 by storing it in a Float32Array
      m[1] = f32(0.03) / f32(0.045);
      m[2] = (a - 3) * m[0];
      m[3] = (b + 5) * m[1];
      m[2] = m[2] + m[3];
      const want = Math.min(127, Math.max(-128, refRoundHalfEven(m[2]) - 2));
      expect(addQuantized(a, 3, 0.02, b, -5, 0.03, 0.045, -2, -128, 127)).toBe(want);
    }
  });
});
