// The relaxed-SIMD GEMM path (i32x4.relaxed_dot_i8x16_i7x16_add_s), taken for weights whose every
// w - zp_w fits [-64, 63] when the kernels are created with relaxedSimd and the runtime passes the
// known-answer check (Deno, Bun). Elsewhere (Node 20) the same ops fall back to dot16. Either way the
// results must equal the scalar reference exactly.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, packLowBit, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refConv2dAcc, refGemmAcc, refRequantRows } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let R: WasmKernels;
const runtime = (globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';

beforeAll(async () => {
  R = await createKernels({ relaxedSimd: true });
});

describe('gemm s8s7 4x8c4 rdot (relaxed SIMD)', () => {
  it(`is in use where the runtime passes the check (${runtime})`, () => {
    const f = R.features.relaxedSimd;
    expect(f.used).toBe(f.passed);
    if (runtime !== 'node') expect(f.used).toBe(true);
  });

  const shapes: Array<[number, number, number]> = [[1, 1, 1], [4, 8, 4], [5, 9, 17], [3, 7, 15], [13, 33, 31], [9, 17, 100], [33, 64, 65]];
  shapes.forEach(([m, n, k], i) => {
    for (const bits of [4, 2] as const) {
      it(`m=${m} n=${n} k=${k} int${bits} weights: exact accumulators and codes`, () => {
        const r = new Rand(2000 + i * 2 + bits);
        const half = 1 << (bits - 1);
        const w = r.int8s(k * n, -half, half - 1);
        const x = r.int8s(m * k);
        const zpx = r.int(-128, 127);
        const bias = Int32Array.from({ length: n }, () => r.int(-3000, 3000));
        const sW = Float64Array.from({ length: n }, () => 0.02 + 0.05 * r.next());
        const input = { scale: 0.03, zeroPoint: zpx };
        const output = { scale: 0.03 * 0.05 * Math.sqrt(k) * 30, zeroPoint: r.int(-10, 10) };
        const spec = { k, n, weights: { bits, data: packLowBit(w, bits) }, bias, input, weight: { scale: sW } };
        const g8 = R.createGemm({ ...spec, output, clamp: { min: -100, max: 120 } });
        const g32 = R.createGemm({ ...spec, output: 'int32' });
        expect(g8.path).toBe(R.features.relaxedSimd.used ? 'rdot' : 'dot16');
        const xt = R.tensor('int8', [m, k], x);
        const y8 = R.tensor('int8', [m, n]);
        const y32 = R.tensor('int32', [m, n]);
        g8.run(xt, y8);
        g32.run(xt, y32);
        const acc = refGemmAcc(x, w, m, k, n, zpx, new Int32Array(n), bias);
        expect([...y32.read()]).toEqual([...acc]);
        expect([...y8.read()]).toEqual([...refRequantRows(acc, n, sW.map((s) => mult(input.scale, s, output.scale)), output.zeroPoint, -100, 120)]);
        for (const t of [xt, y8, y32, g8, g32]) t.dispose();
      });
    }
  });

  it('takes int8 weights beyond 7 bits to rdot2, and weight zero points that bring them into range to rdot', () => {
    const wide = R.createGemm({ k: 3, n: 2, weights: Int8Array.of(100, -100, 1, 2, 3, 4), input: { scale: 1, zeroPoint: 0 }, weight: { scale: 1 }, output: 'int32' });
    expect(wide.path).toBe(R.features.relaxedSimd.used ? 'rdot2' : 'dot16');
    // w in [36, 126] with zero point 90: w - zp in [-54, 36].
    const shifted = R.createGemm({ k: 3, n: 2, weights: Int8Array.of(100, 36, 126, 90, 91, 89), input: { scale: 1, zeroPoint: 5 }, weight: { scale: 1, zeroPoint: 90 }, output: 'int32' });
    expect(shifted.path).toBe(R.features.relaxedSimd.used ? 'rdot' : 'dot16');
    const x = R.tensor('int8', [2, 3], [1, -2, 3, 127, -128, 0]);
    const y = R.tensor('int32', [2, 2]);
    shifted.run(x, y);
    expect([...y.read()]).toEqual([...refGemmAcc(x.read(), Int8Array.of(100, 36, 126, 90, 91, 89), 2, 3, 2, 5, Int32Array.of(90, 90))]);
    for (const t of [wide, shifted, x, y]) t.dispose();
  });

  it('conv2d with int4 filters (padding, groups) takes the same path and stays exact', () => {
    const r = new Rand(77);
    const xs = [2, 6, 5, 6];
    const f = r.int8s(3 * 3 * 3 * 8, -8, 7); // [3, 3, 3, 8], groups 2
    const xv = r.int8s(xs.reduce((a, b) => a * b, 1));
    const input = { scale: 0.02, zeroPoint: 17 };
    const op = R.createConv2d({ filterShape: [3, 3, 3, 8], filter: { bits: 4, data: packLowBit(f, 4) }, padding: 'same', groups: 2, input, weight: { scale: 0.1 }, output: 'int32' });
    expect(op.path).toBe(R.features.relaxedSimd.used ? 'rdot' : 'dot16');
    const x = R.tensor('int8', xs, xv);
    const y = R.tensor('int32', [2, 6, 5, 8]);
    op.run(x, y);
    const g = { kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 1, padLeft: 1, oh: 6, ow: 5 };
    expect([...y.read()]).toEqual([...refConv2dAcc(xv, xs, f, 8, g, 17, new Int32Array(8), undefined, 2)]);
    for (const t of [op, x, y]) t.dispose();
  });
});
