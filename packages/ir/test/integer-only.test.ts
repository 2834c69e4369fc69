import { describe, expect, it } from 'vitest';
import { ModelBuilder, iExp, iGelu, iSqrt, iSoftmaxRow, iLayerNormRow, makeQuant, runReference } from '@qatjs/ir';
import { expectModelError } from './helpers.ts';

// I-BERT's integer-only functions (src/integer-only.ts) against float64 math, and the ops' validation.
const erf = (x: number): number => {
  // Abramowitz-Stegun 7.1.26, |error| < 1.5e-7
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
};

describe('integer-only functions', () => {
  it('iSqrt is floor(sqrt(n)) (Newton), up to 2^53 - 1', () => {
    for (let n = 0; n < 20000; n++) expect(iSqrt(n)).toBe(Math.floor(Math.sqrt(n)));
    for (const n of [2 ** 32 - 1, 2 ** 40 + 12345, 2 ** 52, 2 ** 53 - 1]) {
      const r = iSqrt(n);
      expect(BigInt(r) * BigInt(r) <= BigInt(n) && BigInt(r + 1) * BigInt(r + 1) > BigInt(n)).toBe(true);
    }
    expect(() => iSqrt(-1)).toThrow(/integer in \[0, 2\^53\)/);
    expect(() => iSqrt(1.5)).toThrow(/integer/);
  });

  it('iGelu is within 0.02 of the erf GELU and iExp within 0.004 of exp (scales 0.001..0.03); outputs are integers', () => {
    for (const s of [0.001, 0.01, 0.03]) {
      for (let q = -255; q <= 255; q++) {
        const g = iGelu(q, s);
        expect(Number.isInteger(g.q)).toBe(true);
        const x = q * s;
        expect(Math.abs(g.q * g.s - 0.5 * x * (1 + erf(x / Math.SQRT2)))).toBeLessThan(0.02);
      }
      for (let q = -3000; q <= 0; q++) {
        const e = iExp(q, s);
        expect(Number.isInteger(e.q)).toBe(true);
        expect(Math.abs(e.q * e.s - Math.exp(q * s))).toBeLessThan(0.004);
      }
    }
    expect(() => iExp(-1, 1)).toThrow(/scale <= ln 2/);
  });

  it('iSoftmaxRow and iLayerNormRow follow the float functions (softmax within 3 quanta of 1/255, layer norm within 1)', () => {
    const row = [10, 5, -3, 20, -40, 0];
    const out: number[] = [];
    iSoftmaxRow(row, 6, 0.05, 1 / 255, 0, 0, 255, out);
    const e = row.map((v) => Math.exp(v * 0.05));
    const sum = e.reduce((a, b) => a + b);
    e.forEach((v, j) => expect(Math.abs(out[j] - (v / sum) * 255)).toBeLessThanOrEqual(3)); // measured: at most 2.36 (i-exp's polynomial)
    const ln: number[] = [];
    const x = [30, -70, 120, 0, 50, -20, 7, 90];
    iLayerNormRow(x, 0.1, 1e-5, x.map(() => 1.5), x.map(() => 0.25), 0.02, 0, -128, 127, ln);
    const m = x.reduce((a, b) => a + b) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
    x.forEach((v, j) => expect(Math.abs(ln[j] - Math.max(-128, Math.min(127, (((v - m) / sd) * 1.5 + 0.25) / 0.02)))).toBeLessThanOrEqual(1));
  });

  it('validation: iSoftmax needs s_x · scale <= ln 2; iLayerNorm bounds D² 2^(2 bits); codes in, codes out', () => {
    const b = new ModelBuilder();
    const s = b.input('s', 'int8', [-1, 4, 4], makeQuant({ scale: 2 }));
    expectModelError(() => b.node('iSoftmax', [s], { scale: 0.5 }, [{ dtype: 'uint8', quant: makeQuant({ scale: 1 / 255 }) }]), 'nodes[0].attrs.scale', /ln 2/);
    const r = b.input('r', 'int16', [-1, 8192], makeQuant({ scale: 0.01, bits: 16 }));
    const g = b.constant({ name: 'g', dtype: 'float32', shape: [8192], data: new Float32Array(8192) });
    expectModelError(() => b.node('iLayerNorm', [r, g, g], { eps: 1e-5 }, [{ dtype: 'int8', quant: makeQuant({ scale: 0.1 }) }]), 'nodes[0].inputs[0]', /2\^53/);
    const f = b.input('f', 'float32', [-1, 4]);
    expectModelError(() => b.node('iGelu', [f], {}, [{ dtype: 'int8', quant: makeQuant({ scale: 0.1 }) }]), 'nodes[0].inputs[0]', /int8/);
    const ok = b.input('h', 'int8', [-1, 4], makeQuant({ scale: 0.05 }));
    b.output(b.node('iGelu', [ok], {}, [{ name: 'y', dtype: 'int8', quant: makeQuant({ scale: 0.05 }) }])[0]);
    const out = runReference(b.build(), { s: new Int8Array(16), r: new Int16Array(8192), f: new Float32Array(4), h: Int8Array.of(-100, 0, 20, 100) });
    expect(Array.from(out.y)).toEqual([Math.round(out.y[0] as number), 0, out.y[2], out.y[3]]);
    expect(out.y[3]).toBeGreaterThan(95); // gelu(5) ≈ 5
    expect(Math.abs(out.y[0] as number)).toBeLessThanOrEqual(1); // gelu(-5) ≈ 0
  });
});
