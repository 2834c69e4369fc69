// quantize (f32 -> s8), dequantize (s8 -> f32) and add (s8 + s8, both rescaled) against the
// reference, over lengths with every tail, exact .5 ties, saturation and NaN / infinities.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { refAdd, refDequantize, refQuantize } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

const lengths = [1, 3, 8, 15, 16, 17, 31, 64, 100, 1001];

describe('quantize f32 -> s8 (round half to even, saturating)', () => {
  for (const n of lengths) {
    it(`n = ${n}`, () => {
      const r = new Rand(n);
      const q = { scale: 0.037, zeroPoint: r.int(-20, 20) };
      const xv = Float32Array.from({ length: n }, () => (r.next() - 0.5) * 12);
      const x = K.tensor('float32', [n], xv);
      const y = K.tensor('int8', [n]);
      K.quantize(x, y, q);
      expect([...y.read()]).toEqual([...refQuantize(xv, q)]);
      K.quantize(x, y, q, { min: -50, max: 60 });
      expect([...y.read()]).toEqual([...refQuantize(xv, q, -50, 60)]);
      x.dispose();
      y.dispose();
    });
  }

  it('ties go to even, saturation at the edges, NaN to the low bound, infinities saturate', () => {
    const q = { scale: 0.5, zeroPoint: 1 };
    // x / 0.5 = -2.5, -1.5, -0.5, 0.5, 1.5, 2.5 are ties; then saturation and specials.
    const xs = [-1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1000, -1000, 63, 63.25, -64.5, NaN, Infinity, -Infinity, -0];
    const x = K.tensor('float32', [xs.length], xs);
    const y = K.tensor('int8', [xs.length]);
    K.quantize(x, y, q);
    expect([...y.read()]).toEqual([...refQuantize(xs, q)]);
    expect([...y.read()]).toEqual([-1, -1, 1, 1, 3, 3, 127, -128, 127, 127, -128, -128, 127, -128, 1]);
    x.dispose();
    y.dispose();
  });
});

describe('dequantize s8 -> f32', () => {
  for (const n of lengths) {
    it(`n = ${n}`, () => {
      const r = new Rand(50 + n);
      const q = { scale: 0.0123, zeroPoint: r.int(-128, 127) };
      const xv = r.int8s(n);
      const x = K.tensor('int8', [n], xv);
      const y = K.tensor('float32', [n]);
      K.dequantize(x, y, q);
      expect([...y.read()]).toEqual([...refDequantize(xv, q)]);
      x.dispose();
      y.dispose();
    });
  }
});

describe('add s8 + s8 with rescale of both inputs', () => {
  for (const n of lengths) {
    it(`n = ${n}`, () => {
      const r = new Rand(90 + n);
      const qa = { scale: 0.05, zeroPoint: r.int(-30, 30) };
      const qb = { scale: 0.02, zeroPoint: r.int(-30, 30) };
      const qy = { scale: 0.06, zeroPoint: r.int(-30, 30) };
      const av = r.int8s(n);
      const bv = r.int8s(n);
      const a = K.tensor('int8', [n], av);
      const b = K.tensor('int8', [n], bv);
      const y = K.tensor('int8', [n]);
      K.add(a, b, y, { a: qa, b: qb, output: qy, clamp: { min: qy.zeroPoint, max: 127 } });
      expect([...y.read()]).toEqual([...refAdd(av, bv, qa, qb, qy, qy.zeroPoint, 127)]);
      K.add(a, b, a, { a: qa, b: qb, output: qy }); // in place
      expect([...a.read()]).toEqual([...refAdd(av, bv, qa, qb, qy)]);
      for (const t of [a, b, y]) t.dispose();
    });
  }

  it('rounds ties to even: a + b = 0.5-steps with scales 0.5 / 1', () => {
    const half = { scale: 0.5, zeroPoint: 0 };
    const one = { scale: 1, zeroPoint: 0 };
    const av = [1, 3, 5, -1, -3, 127, -128];
    const bv = [0, 0, 0, 0, 0, 127, -128];
    const a = K.tensor('int8', [7], av);
    const b = K.tensor('int8', [7], bv);
    const y = K.tensor('int8', [7]);
    K.add(a, b, y, { a: half, b: one, output: one });
    expect([...y.read()]).toEqual([0, 2, 2, 0, -2, 127, -128]);
    for (const t of [a, b, y]) t.dispose();
  });
});
