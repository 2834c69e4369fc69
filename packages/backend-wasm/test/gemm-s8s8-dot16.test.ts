// GEMM (dense layer) against the scalar reference: exact int32 accumulators and exact int8 codes
// over random shapes with every tail (M % 4, N % 8, odd K, K not a multiple of 16), per-tensor and
// per-channel scales, nonzero zero points, clamps, .5 ties, both weight layouts and low-bit weights.
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelClamp, createKernels, packLowBit, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refGemmAcc, refRequantRows, rhe } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

interface Case {
  m: number;
  k: number;
  n: number;
  seed: number;
  perChannel: boolean;
  layout: 'kn' | 'nk';
}

function transpose(w: Int8Array, k: number, n: number): Int8Array {
  const t = new Int8Array(k * n);
  for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) t[j * k + kk] = w[kk * n + j];
  return t;
}

function runCase(c: Case) {
  const r = new Rand(c.seed);
  const x = r.int8s(c.m * c.k);
  const w = r.int8s(c.k * c.n);
  const zpx = r.int(-128, 127);
  const zpw = Int32Array.from({ length: c.n }, () => (c.perChannel ? r.int(-20, 20) : 0));
  const bias = Int32Array.from({ length: c.n }, () => r.int(-5000, 5000));
  const sIn = 0.02;
  const sW = Float64Array.from({ length: c.n }, () => (c.perChannel ? 0.004 + 0.012 * r.next() : 0.01));
  const out = { scale: 0.02 * 0.01 * Math.sqrt(c.k) * 50, zeroPoint: r.int(-30, 30) };
  const lo = r.pick([-128, -100, out.zeroPoint]);
  const hi = r.pick([127, 100]);
  const weight = { scale: c.perChannel ? sW : sW[0], zeroPoint: c.perChannel ? zpw : 0 };
  const weights = c.layout === 'kn' ? w : transpose(w, c.k, c.n);
  const input = { scale: sIn, zeroPoint: zpx };
  const g8 = K.createGemm({ k: c.k, n: c.n, weights, weightsLayout: c.layout, bias, input, weight, output: out, clamp: { min: lo, max: hi } });
  const g32 = K.createGemm({ k: c.k, n: c.n, weights, weightsLayout: c.layout, bias, input, weight, output: 'int32' });
  const xt = K.tensor('int8', [c.m, c.k], x);
  const y8 = K.tensor('int8', [c.m, c.n]);
  const y32 = K.tensor('int32', [c.m, c.n]);
  g8.run(xt, y8);
  g32.run(xt, y32);
  const acc = refGemmAcc(x, w, c.m, c.k, c.n, zpx, zpw, bias);
  const m = sW.map((s) => mult(sIn, s, out.scale));
  const want = refRequantRows(acc, c.n, m, out.zeroPoint, lo, hi);
  const got = { acc: [...y32.read()], q: [...y8.read()] };
  for (const t of [xt, y8, y32, g8, g32]) t.dispose();
  return { got, want: { acc: [...acc], q: [...want] } };
}

describe('gemm s8s8 4x8c2 dot16', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 8, 16], [4, 8, 2], [2, 3, 5], [5, 9, 17], [3, 7, 15], [6, 16, 32], [13, 33, 31],
    [4, 24, 100], [9, 17, 129], [1, 40, 257], [33, 65, 48], [64, 64, 64], [7, 100, 300],
  ];
  shapes.forEach(([m, n, k], i) => {
    for (const perChannel of [false, true]) {
      for (const layout of ['kn', 'nk'] as const) {
        it(`m=${m} n=${n} k=${k} ${perChannel ? 'per-channel' : 'per-tensor'} ${layout}: exact accumulators and codes`, () => {
          const { got, want } = runCase({ m, n, k, seed: 100 + i * 4 + (perChannel ? 2 : 0) + (layout === 'nk' ? 1 : 0), perChannel, layout });
          expect(got.acc).toEqual(want.acc);
          expect(got.q).toEqual(want.q);
        });
      }
    }
  });

  it('random shapes (property sweep)', () => {
    const r = new Rand(7);
    for (let t = 0; t < 40; t++) {
      const c = { m: r.int(1, 21), n: r.int(1, 40), k: r.int(1, 70), seed: 1000 + t, perChannel: r.next() < 0.5, layout: r.pick(['kn', 'nk'] as const) };
      const { got, want } = runCase(c);
      expect(got.acc).toEqual(want.acc);
      expect(got.q).toEqual(want.q);
    }
  });

  it('rounds .5 ties to even (multiplier 0.5, every odd accumulator is a tie)', () => {
    const n = 9;
    const accs = [-7, -5, -3, -1, 1, 3, 5, 7, 9];
    // k = 1, w = 1: acc = x - zp_x, so x = acc + zp_x gives each tie.
    const zpx = -4;
    const g = K.createGemm({ k: 1, n, weights: new Int8Array(n).fill(1), input: { scale: 1, zeroPoint: zpx }, weight: { scale: 0.5 }, output: { scale: 1, zeroPoint: 0 } });
    const x = K.tensor('int8', [n, 1], accs.map((a) => a + zpx));
    const y = K.tensor('int8', [n, n]);
    g.run(x, y);
    const got = y.read();
    const diag = accs.map((_, i) => got[i * n + i]);
    expect(diag).toEqual(accs.map((a) => rhe(a / 2)));
    // The spec's examples: -3.5 -> -4, -2.5 -> -2, -1.5 -> -2, -0.5 -> 0, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4, 4.5 -> 4.
    expect(diag).toEqual([-4, -2, -2, 0, 0, 2, 2, 4, 4]);
    for (const t of [g, x, y]) t.dispose();
  });

  it('saturates at the int8 edges and at the clamp bounds exactly', () => {
    // acc = x - zp spans [-255, 255] with multiplier 1: every code from far below to far above.
    const xs = Array.from({ length: 256 }, (_, i) => i - 128);
    const zpx = 0;
    for (const [lo, hi, zpy] of [[-128, 127, 0], [-128, 127, 100], [-5, 6, 3], [0, 0, -7], [-128, -128, 0], [127, 127, 0]]) {
      const g = K.createGemm({ k: 1, n: 1, weights: Int8Array.of(1), input: { scale: 1, zeroPoint: zpx }, weight: { scale: 1 }, output: { scale: 1, zeroPoint: zpy }, clamp: { min: lo, max: hi } });
      const x = K.tensor('int8', [256, 1], xs);
      const y = K.tensor('int8', [256, 1]);
      g.run(x, y);
      expect([...y.read()]).toEqual(xs.map((v) => Math.min(hi, Math.max(lo, v + zpy))));
      for (const t of [g, x, y]) t.dispose();
    }
  });

  it('ReLU and ReLU6 clamps (kernelClamp) cut at the codes of 0 and 6', () => {
    const out = { scale: 0.05, zeroPoint: -20 };
    expect(kernelClamp('relu', out)).toEqual({ min: -20, max: 127 });
    expect(kernelClamp('relu6', out)).toEqual({ min: -20, max: 100 });
    expect(kernelClamp('relu6', { scale: 0.01, zeroPoint: 0 })).toEqual({ min: 0, max: 127 });
    const g = K.createGemm({ k: 1, n: 1, weights: Int8Array.of(1), input: { scale: 0.05, zeroPoint: 0 }, weight: { scale: 1 }, output: out, clamp: kernelClamp('relu6', out) });
    const xs = [-128, -1, 0, 1, 100, 119, 120, 121, 127];
    const x = K.tensor('int8', [xs.length, 1], xs);
    const y = K.tensor('int8', [xs.length, 1]);
    g.run(x, y);
    expect([...y.read()]).toEqual(xs.map((v) => Math.min(100, Math.max(-20, v - 20))));
    for (const t of [g, x, y]) t.dispose();
  });

  it('int4 and int2 packed weights give the same result as the same values in int8', () => {
    const r = new Rand(99);
    for (const bits of [4, 2] as const) {
      const [m, k, n] = [5, 23, 11];
      const half = 1 << (bits - 1);
      const w = r.int8s(k * n, -half, half - 1);
      const x = K.tensor('int8', [m, k], r.int8s(m * k));
      const spec = { k, n, input: { scale: 0.1, zeroPoint: 3 }, weight: { scale: 0.2 }, output: 'int32' as const };
      const a = K.createGemm({ ...spec, weights: w });
      const b = K.createGemm({ ...spec, weights: { bits, data: packLowBit(w, bits) } });
      const ya = K.tensor('int32', [m, n]);
      const yb = K.tensor('int32', [m, n]);
      a.run(x, ya);
      b.run(x, yb);
      expect([...yb.read()]).toEqual([...ya.read()]);
      expect([...ya.read()]).toEqual([...refGemmAcc(x.read(), w, m, k, n, 3, new Int32Array(n))]);
      for (const t of [a, b, x, ya, yb]) t.dispose();
    }
  });

  it('takes any leading dimensions: x [2, 3, k] -> y [2, 3, n]', () => {
    const r = new Rand(5);
    const [k, n] = [10, 6];
    const w = r.int8s(k * n);
    const xv = r.int8s(6 * k);
    const g = K.createGemm({ k, n, weights: w, input: { scale: 1, zeroPoint: 0 }, weight: { scale: 1 }, output: 'int32' });
    const x = K.tensor('int8', [2, 3, k], xv);
    const y = K.tensor('int32', [2, 3, n]);
    g.run(x, y);
    expect([...y.read()]).toEqual([...refGemmAcc(xv, w, 6, k, n, 0, new Int32Array(n))]);
    for (const t of [g, x, y]) t.dispose();
  });

  it('a GEMM with K = 2001 (W in several L2 column blocks) is exact', () => {
    const { got, want } = runCase({ m: 21, n: 150, k: 2001, seed: 4242, perChannel: true, layout: 'kn' });
    expect(got.acc).toEqual(want.acc);
    expect(got.q).toEqual(want.q);
  });
});
