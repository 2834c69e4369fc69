// The relaxed-SIMD paths against the plain SIMD128 kernels, bit for bit. Every runtime runs this file:
// on Deno and Bun the known-answer check passes, so `relaxed` below runs rdot2 (int8 weights) and
// rdot (weights within [-64, 63]) and each result is compared with dot16's and the scalar reference.
// On Node 20 relaxed SIMD does not validate (and computes double behind its flag), so `relaxed` falls
// back to dot16: the same comparisons then check that the fallback is taken and changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '@qatjs/ir';
import { createKernels, loadSession, relaxedSimdByDefault, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refConv2dAcc, refGemmAcc, refRequantRows } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';
import { randomModel } from './runtime/random-model.ts';

let plain: WasmKernels;
let relaxed: WasmKernels;
let used: boolean;
const runtime = (globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';

beforeAll(async () => {
  plain = await createKernels({ relaxedSimd: false });
  relaxed = await createKernels({ relaxedSimd: true });
  used = relaxed.features.relaxedSimd.used;
});

/** Runs the same spec on both kernel instances; returns both paths and outputs. */
function gemmBoth(spec: Parameters<WasmKernels['createGemm']>[0], m: number, x: Int8Array) {
  return [plain, relaxed].map((K) => {
    const op = K.createGemm(spec);
    const xt = K.tensor('int8', [m, spec.k], x);
    const y = op.outputDType === 'int8' ? K.tensor('int8', [m, spec.n]) : K.tensor('int32', [m, spec.n]);
    op.run(xt, y);
    const out = { path: op.path, y: [...y.read()] };
    for (const t of [op, xt, y]) t.dispose();
    return out;
  });
}

describe(`relaxed SIMD GEMM paths equal the plain kernels bit for bit (${runtime})`, () => {
  it('uses relaxed SIMD where the known-answer check passes, and by default where it is faster', () => {
    const f = relaxed.features.relaxedSimd;
    expect(used).toBe(f.passed);
    if (runtime !== 'node') expect(used).toBe(true);
    expect(plain.features.relaxedSimd.used).toBe(false);
  });

  const shapes: Array<[number, number, number]> = [[1, 1, 1], [4, 8, 4], [5, 9, 17], [3, 7, 15], [13, 33, 31], [9, 17, 100], [33, 64, 65], [64, 24, 257]];
  shapes.forEach(([m, n, k], i) => {
    for (const kind of ['narrow', 'shifted-columns', 'per-channel-zp'] as const) {
      it(`m=${m} n=${n} k=${k}, int8 weights (${kind}): int32 accumulators and int8 codes`, () => {
        const r = new Rand(5000 + 10 * i + kind.length);
        // narrow: [-127, 127] (the presets' int8 weights); shifted-columns: full-range int8, each
        // column spanning 254 codes, at the bottom or the top of the range; per-channel-zp: any codes
        // with zero points that keep every column's w - zp within a 254-code span.
        const colLo = Int32Array.from({ length: n }, (_, j) => (kind === 'narrow' ? -127 : kind === 'shifted-columns' ? (j % 2 ? -128 : -127) : r.int(-128, -60)));
        const w = Int8Array.from({ length: k * n }, (_, e) => r.int(colLo[e % n], Math.min(127, colLo[e % n] + 254)));
        const zpw = kind === 'per-channel-zp' ? Int32Array.from({ length: n }, () => r.int(-20, 20)) : new Int32Array(n);
        const x = r.int8s(m * k);
        const zpx = r.pick([-128, 127, 0, r.int(-128, 127)]);
        const bias = Int32Array.from({ length: n }, () => r.int(-50000, 50000));
        const sW = Float64Array.from({ length: n }, () => 0.01 + 0.05 * r.next());
        const input = { scale: 0.03, zeroPoint: zpx };
        const output = { scale: 0.03 * 0.03 * Math.sqrt(k) * 60, zeroPoint: r.int(-10, 10) };
        const weight = kind === 'per-channel-zp' ? { scale: sW, zeroPoint: zpw } : { scale: sW };
        const spec = { k, n, weights: w, bias, input, weight };
        const [p32, r32] = gemmBoth({ ...spec, output: 'int32' }, m, x);
        const [p8, r8] = gemmBoth({ ...spec, output, clamp: { min: -100, max: 120 } }, m, x);
        expect([p32.path, p8.path]).toEqual(['dot16', 'dot16']);
        expect([r32.path, r8.path]).toEqual(used ? ['rdot2', 'rdot2'] : ['dot16', 'dot16']);
        expect(r32.y).toEqual(p32.y);
        expect(r8.y).toEqual(p8.y);
        const acc = refGemmAcc(x, w, m, k, n, zpx, zpw, bias);
        expect(r32.y).toEqual([...acc]);
        expect(r8.y).toEqual([...refRequantRows(acc, n, sW.map((s) => mult(input.scale, s, output.scale)), output.zeroPoint, -100, 120)]);
      });
    }
  });

  it('k = 66,000 at the int32 limit: the intermediate sums wrap, the accumulators stay exact', () => {
    // |x - zp| = 255 and w in {-127, 127}: the true accumulators reach -2.14e9; rdot2's raw dot
    // sum, the folded bias and the offset correction each wrap on the way.
    const [m, n, k] = [4, 8, 66000];
    const x = new Int8Array(m * k).fill(-128);
    const w = Int8Array.from({ length: k * n }, (_, e) => (e % 97 === 0 ? -127 : 127));
    const spec = { k, n, weights: w, input: { scale: 1, zeroPoint: 127 }, weight: { scale: 1 }, output: 'int32' as const };
    const [p, r] = gemmBoth(spec, m, x);
    expect(r.path).toBe(used ? 'rdot2' : 'dot16');
    expect(r.y).toEqual(p.y);
    expect(r.y).toEqual([...refGemmAcc(x, w, m, k, n, 127, new Int32Array(n))]);
    expect(Math.min(...r.y)).toBeLessThan(-2e9);
  });

  it('a column spanning all 256 codes stays on dot16; 7-bit weights take rdot', () => {
    const x = Int8Array.of(1, -2, 3, 127, -128, 0);
    const input = { scale: 1, zeroPoint: 5 };
    // column 0 holds -128 and 127: no offset makes it 7-bit twice over
    const wide = gemmBoth({ k: 3, n: 2, weights: Int8Array.of(-128, 0, 127, 1, 5, -3), input, weight: { scale: 1 }, output: 'int32' }, 2, x);
    expect(wide.map((o) => o.path)).toEqual(['dot16', 'dot16']);
    expect(wide[1].y).toEqual(wide[0].y);
    const seven = gemmBoth({ k: 3, n: 2, weights: Int8Array.of(-64, 0, 63, 1, 5, -3), input, weight: { scale: 1 }, output: 'int32' }, 2, x);
    expect(seven.map((o) => o.path)).toEqual(['dot16', used ? 'rdot' : 'dot16']);
    expect(seven[1].y).toEqual(seven[0].y);
    expect(seven[1].y).toEqual([...refGemmAcc(x, Int8Array.of(-64, 0, 63, 1, 5, -3), 2, 3, 2, 5, new Int32Array(2))]);
  });

  for (const [name, fs, xs, padding, groups] of [
    ['3x3 same, groups 2', [3, 3, 3, 8], [2, 6, 5, 6], 'same', 2],
    ['5x5 valid', [5, 5, 1, 16], [3, 12, 12, 1], 'valid', 1],
    ['1x1 pointwise', [1, 1, 24, 40], [2, 5, 7, 24], 'valid', 1],
  ] as const) {
    it(`conv2d ${name}, int8 filters: the same codes on both paths`, () => {
      const r = new Rand(name.length * 31);
      const f = r.int8s(fs.reduce((a: number, b: number) => a * b, 1), -127, 127);
      const xv = r.int8s(xs.reduce((a: number, b: number) => a * b, 1));
      const input = { scale: 0.02, zeroPoint: -128 };
      const outs = [plain, relaxed].map((K) => {
        const op = K.createConv2d({ filterShape: [...fs], filter: f, padding, groups, input, weight: { scale: 0.01 }, output: 'int32' });
        const x = K.tensor('int8', [...xs], xv);
        const y = K.tensor('int32', op.outputShape(xs));
        op.run(x, y);
        const out = { path: op.path, y: [...y.read()], shape: y.shape };
        for (const t of [op, x, y]) t.dispose();
        return out;
      });
      expect(outs.map((o) => o.path)).toEqual(['dot16', used ? 'rdot2' : 'dot16']);
      expect(outs[1].y).toEqual(outs[0].y);
      const [, oh, ow] = outs[0].shape;
      const pad = padding === 'same' ? (fs[0] - 1) / 2 : 0;
      const g = { kh: fs[0], kw: fs[1], sh: 1, sw: 1, dh: 1, dw: 1, padTop: pad, padLeft: pad, oh, ow };
      expect(outs[1].y).toEqual([...refConv2dAcc(xv, [...xs], f, fs[3], g, -128, new Int32Array(fs[3]), undefined, groups)]);
    });
  }

  it('loadSession: relaxedSimd false forces dot16, the default follows relaxedSimdByDefault, every value equal', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const model = randomModel(seed, { input: 'float32' });
      const all = { ...model, outputs: model.values.map((v) => v.name).filter((n) => !model.inputs.includes(n)) };
      const bytes = encodeModel(all);
      const off = await loadSession(bytes, { relaxedSimd: false });
      const dflt = await loadSession(bytes);
      expect(off.features.relaxedSimd.used).toBe(false);
      expect(dflt.features.relaxedSimd.used).toBe(relaxedSimdByDefault(dflt.features.relaxedSimd));
      const r = new Rand(seed);
      const decl = model.values.find((v) => v.name === model.inputs[0]);
      const per = (decl?.shape ?? []).slice(1).reduce((a, d) => a * d, 1);
      const x = Float32Array.from({ length: per * 5 }, () => (r.next() - 0.3) * 4);
      const [a, b] = [off.run({ image: x }), dflt.run({ image: x })];
      for (const name of all.outputs) expect(Array.from(b[name])).toEqual(Array.from(a[name]));
      off.dispose();
      dflt.dispose();
    }
  });
});
