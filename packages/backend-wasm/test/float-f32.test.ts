// float32 kernels against the float64 functions rounded to float32 (docs/numerics.md): exp, sigmoid
// and tanh within 4 ulp or 1e-7 absolute (whichever is larger) over a dense sweep of float32 values,
// ±0, denormals, large |x|, ±Infinity; NaN in gives NaN out. add / mul with broadcasting: exact.
import { beforeAll, describe, expect, it } from 'vitest';
import { expFloat, sigmoidFloat, tanhFloat, withinFloatTolerance } from '@qatjs/ir';
import { createKernels, type FloatUnaryOp, type WasmKernels } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { BROADCAST_CASES, broadcastRef, shapeSize } from './reference/broadcast.ts';

// The references are @qatjs/ir's: the float64 function rounded once to float32.
const REF: Record<FloatUnaryOp, (x: number) => number> = { exp: expFloat, sigmoid: sigmoidFloat, tanh: tanhFloat };

/** Ordered int of a float32's bits: adjacent floats differ by 1, -0 and +0 meet at 0. */
function ordered(v: number): number {
  const b = new Int32Array(Float32Array.of(v).buffer)[0];
  return b < 0 ? -(b & 0x7fffffff) : b;
}

function sweep(): Float32Array {
  const xs: number[] = [0, -0, Infinity, -Infinity, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126), 3.4028234663852886e38, -3.4028234663852886e38];
  for (let i = -200000; i <= 200000; i++) xs.push(i / 1000); // [-200, 200] step 1e-3
  for (let e = -149; e <= 127; e++) for (let m = 0; m < 64; m++) { const v = 2 ** e * (1 + m / 64); xs.push(v, -v); }
  for (const edge of [88.72283935546875, -87.33654022216797, -87.33, -103.97, 9, 10, 0.1733, 0.3466, 2 ** -12, 2 ** -30]) {
    let v = Math.fround(edge);
    const b = new Float32Array(1);
    for (let k = -8; k <= 8; k++) { b[0] = v; const i = new Int32Array(b.buffer); i[0] += k; xs.push(b[0], -b[0]); i[0] -= k; }
    v = 0;
  }
  return Float32Array.from(xs);
}

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

describe('float32 unary kernels', () => {
  const xs = sweep();
  for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
    it(`${op}: within 4 ulp or 1e-7 of the float64 ${op} rounded to float32 over ${xs.length} values`, () => {
      const x = K.tensor('float32', [xs.length], xs);
      const y = K.tensor('float32', [xs.length]);
      K.unaryF32(op, x, y);
      const got = y.read();
      let worstUlp = 0;
      const bad: string[] = [];
      for (let i = 0; i < xs.length; i++) {
        const want = REF[op](xs[i]);
        const g = got[i];
        if (Number.isNaN(want) || Number.isNaN(g)) { if (Number.isNaN(want) !== Number.isNaN(g)) bad.push(`${xs[i]}: ${g} vs ${want}`); continue; }
        if (g === want) continue;
        const ulp = Math.abs(ordered(g) - ordered(want));
        if (Math.abs(g - want) > 1e-7) worstUlp = Math.max(worstUlp, ulp);
        if (!withinFloatTolerance(g, want)) bad.push(`${op}(${xs[i]}) = ${g}, want ${want} (${ulp} ulp)`);
      }
      expect(bad.slice(0, 10)).toEqual([]);
      expect(worstUlp).toBeLessThanOrEqual(4);
      // No denormal comes out (tanh passes a denormal x through untouched: tanh(x) = x there).
      const denormal = (v: number) => v !== 0 && Math.abs(v) < 2 ** -126;
      expect(Array.from(xs).filter((v, i) => denormal(got[i]) && !(op === 'tanh' && got[i] === v)).slice(0, 5)).toEqual([]);
      x.dispose();
      y.dispose();
    });
  }

  it('NaN in gives NaN out; ±0, ±Infinity as the functions say; the output may be the input; every length', () => {
    const specials = Float32Array.of(NaN, 0, -0, Infinity, -Infinity);
    const expect4 = { exp: [NaN, 1, 1, Infinity, 0], sigmoid: [NaN, 0.5, 0.5, 1, 0], tanh: [NaN, 0, -0, 1, -1] };
    for (const op of ['exp', 'sigmoid', 'tanh'] as const) {
      const t = K.tensor('float32', [5], specials);
      K.unaryF32(op, t, t);
      expect(Array.from(t.read())).toEqual(expect4[op]);
      t.dispose();
      for (let n = 0; n <= 9; n++) {
        const data = Float32Array.from({ length: n }, (_, i) => i * 0.7 - 3);
        const x = K.tensor('float32', [n], data);
        const y = K.tensor('float32', [n]);
        K.unaryF32(op, x, y);
        const got = y.read();
        data.forEach((v, i) => expect(Math.abs(got[i] - REF[op](v))).toBeLessThanOrEqual(Math.max(1e-7, 4 * 2 ** -23 * Math.abs(REF[op](v)))));
        x.dispose();
        y.dispose();
      }
    }
    expect(() => K.unaryF32('log' as never, K.tensor('float32', [1]), K.tensor('float32', [1]))).toThrow(/op must be one of exp, sigmoid, tanh/);
    expect(() => K.unaryF32('exp', K.tensor('float32', [2]), K.tensor('float32', [3]))).toThrow(/y must have shape \[2\]/);
  });
});

describe('float32 add and mul, broadcasting', () => {
  for (const [as, bs] of BROADCAST_CASES) {
    it(`[${as}] and [${bs}]: exactly fround(a + b), fround(a * b)`, () => {
      const r = new Rand(as.length * 7 + bs.length);
      const a = Float32Array.from({ length: shapeSize(as) }, () => (r.next() - 0.5) * 1e3);
      const b = Float32Array.from({ length: shapeSize(bs) }, () => (r.next() - 0.5) * 1e-2);
      for (const op of ['add', 'mul'] as const) {
        const want = broadcastRef(a, as, b, bs, op === 'add' ? (x, y) => Math.fround(x + y) : (x, y) => Math.fround(x * y));
        const ta = K.tensor('float32', as, a);
        const tb = K.tensor('float32', bs, b);
        const out = K.tensor('float32', want.shape);
        K.binaryF32(op, ta, tb, out);
        expect(Array.from(out.read())).toEqual(Array.from(want.data));
        for (const t of [ta, tb, out]) t.dispose();
      }
    });
  }
  it('rejects shapes that do not broadcast and a wrong output shape', () => {
    expect(() => K.binaryF32('add', K.tensor('float32', [3]), K.tensor('float32', [4]), K.tensor('float32', [4]))).toThrow(/do not broadcast/);
    expect(() => K.binaryF32('mul', K.tensor('float32', [3]), K.tensor('float32', [2, 3]), K.tensor('float32', [3]))).toThrow(/out must have shape \[2, 3\]/);
  });
});
