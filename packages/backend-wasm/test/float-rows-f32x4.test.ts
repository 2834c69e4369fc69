// The f32x4 kernels of layerNorm, softmax and gelu (assembly/float/rows-f32x4.ts) against @qatjs/ir's
// reference interpreter: layerNorm and softmax within FLOAT_REDUCTION_TOLERANCE (|y - ref| <=
// 1e-5 (1 + |ref|)) at the transformer's sizes and at ragged ones (rows not a multiple of 4, causal
// with S != T, a row mean large against its spread); gelu within FLOAT_KERNEL_TOLERANCE (4 ulp or
// 1e-7 absolute) over a dense sweep of float32 values, NaN and infinities as the reference.
import { beforeAll, describe, expect, it } from 'vitest';
import { FLOAT_REDUCTION_TOLERANCE, ModelBuilder, geluFloat, runReference, withinFloatTolerance } from '@qatjs/ir';
import { createKernels, loadSession, type WasmKernels } from '@qatjs/backend-wasm';
import { randomNormal } from '@qatjs/test-utils';

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return w;
}

async function runBoth(build: (b: ModelBuilder) => void, inputs: Record<string, Float32Array>) {
  const b = new ModelBuilder();
  build(b);
  const model = b.build();
  const session = await loadSession(model);
  try {
    return { ref: runReference(model, inputs), run: session.run(inputs) };
  } finally {
    session.dispose();
  }
}

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

describe('layerNorm f32x4', () => {
  const cases: [string, number, number, number, number][] = [
    // name, rows, d, mean, spread
    ['transformer rows (d 128)', 2 * 64, 128, 0, 3],
    ['d not a multiple of 4', 9, 13, 0, 1],
    ['a large mean against the spread', 16, 64, 1000, 1],
    ['d 1 (every row its own mean)', 5, 1, 2, 1],
  ];
  for (const [name, rows, d, mean, spread] of cases) {
    it(`${name}: within FLOAT_REDUCTION_TOLERANCE of the reference`, async () => {
      const x = Float32Array.from(randomNormal(rows * d, rows + d), (v) => mean + spread * v);
      const { ref, run } = await runBoth((b) => {
        const xi = b.input('x', 'float32', [-1, rows, d]);
        const g = b.constant({ name: 'g', dtype: 'float32', shape: [d], data: randomNormal(d, 2) });
        const be = b.constant({ name: 'b', dtype: 'float32', shape: [d], data: randomNormal(d, 3) });
        b.output(b.node('layerNorm', [xi, g, be], { eps: 1e-5 }, [{ name: 'y' }])[0]);
      }, { x });
      expect(worstRelative(run.y, ref.y)).toBeLessThanOrEqual(FLOAT_REDUCTION_TOLERANCE.relative);
      if (d > 1) expect(new Set(run.y).size).toBeGreaterThan(rows * d * 0.5); // real outputs, not a constant
      else expect(new Set(run.y)).toEqual(new Set(ref.y)); // x - mean = 0: every row is beta
    });
  }
});

describe('softmax f32x4', () => {
  const cases: [string, number[], number, boolean, number][] = [
    // name, shape [B, H, T, S], scale, causal, amplitude of the scores
    ['attention scores (4 heads, 64 x 64, causal)', [2, 4, 64, 64], 1 / Math.sqrt(32), true, 30],
    ['causal, S > T (the last T rows of a longer sequence)', [1, 2, 3, 7], 1, true, 3],
    ['causal, S < T (the first rows see nothing)', [1, 2, 7, 3], 1, true, 3],
    ['not causal, S not a multiple of 4', [1, 3, 6, 13], 2, false, 30],
  ];
  for (const [name, shape, scale, causal, amp] of cases) {
    it(`${name}: within FLOAT_REDUCTION_TOLERANCE of the reference, masked columns 0`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from(randomNormal(n, n), (v) => amp * v);
      const { ref, run } = await runBoth((b) => {
        const xi = b.input('x', 'float32', [-1, ...shape.slice(1)]);
        b.output(b.node('softmax', [xi], { scale, causal }, [{ name: 'y' }])[0]);
      }, { x });
      expect(worstRelative(run.y, ref.y)).toBeLessThanOrEqual(FLOAT_REDUCTION_TOLERANCE.relative);
      const [t, s] = shape.slice(2);
      const [unmasked, offOne] = [[] as number[], [] as number[]];
      for (let row = 0; row < n / s; row++) {
        const visible = causal ? Math.max(0, Math.min(s, (row % t) + s - t + 1)) : s;
        let sum = 0;
        for (let j = 0; j < s; j++) {
          if (j >= visible && run.y[row * s + j] !== 0) unmasked.push(row * s + j);
          sum += run.y[row * s + j];
        }
        if (visible > 0 && !(Math.abs(sum - 1) < 1e-5)) offOne.push(row);
      }
      expect([unmasked.slice(0, 5), offOne.slice(0, 5)]).toEqual([[], []]);
    });
  }
});

describe('gelu f32x4', () => {
  it('within 4 ulp or 1e-7 of geluFloat over a dense sweep, NaN and infinities as the reference', () => {
    const xs: number[] = [0, -0, Infinity, -Infinity, NaN];
    for (let i = -20000; i <= 20000; i++) xs.push(i / 1000);
    for (let e = -149; e <= 127; e++) for (let m = 0; m < 16; m++) xs.push(2 ** e * (1 + m / 16), -(2 ** e) * (1 + m / 16));
    const x = K.tensor('float32', [xs.length], xs);
    const y = K.tensor('float32', [xs.length]);
    K.raw.gelu_f32x4(xs.length, x.byteOffset, y.byteOffset);
    const got = y.read();
    const bad: string[] = [];
    for (let i = 0; i < xs.length; i++) {
      const want = geluFloat(xs[i]);
      const ok = Number.isNaN(want) ? Number.isNaN(got[i]) : withinFloatTolerance(got[i], want);
      if (!ok) bad.push(`gelu(${xs[i]}) = ${got[i]}, want ${want}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    // partial tails (1..3 elements) read and write only their own elements
    for (const n of [1, 2, 3, 5, 7]) {
      const t = K.tensor('float32', [8], [0.5, -1, 2, -3, 4, -5, 6, -7]);
      const out = K.tensor('float32', [8], new Float32Array(8).fill(42));
      K.raw.gelu_f32x4(n, t.byteOffset, out.byteOffset);
      const o = out.read();
      for (let i = 0; i < 8; i++) expect(i < n ? withinFloatTolerance(o[i], geluFloat(t.read()[i])) : o[i] === 42).toBe(true);
      t.dispose();
      out.dispose();
    }
    x.dispose();
    y.dispose();
  });
});
