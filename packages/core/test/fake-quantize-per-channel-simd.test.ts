// Per-channel fakeQuantize on the wasm backend runs WebAssembly SIMD kernels
// (kernels/fake-quantize-per-channel-f32x4.wat); on the cpu backend it runs the TypeScript kernel
// (src/ops/fake-quantize-math.ts). Both must give the same bits: forward, dx, and the float64 sums of
// the scale and zero-point gradients (same summation order). Both must also match the formulas of
// docs/numerics.md (the float64 reference of @qatjs/test-utils).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fakeQuantize } from '@qatjs/core';
import { randomNormal, refFakeQuantize, refFakeQuantizeGrads, rng, useBackend } from '@qatjs/test-utils';

interface Case {
  readonly shape: number[];
  readonly axis: number;
  readonly qmin: number;
  readonly qmax: number;
  readonly x: Float32Array;
  readonly dy: Float32Array;
  readonly scale: number[];
  readonly zeroPoint: number[];
}

/** Data on both clip sides, on exact .5 ties and clip edges, with fractional (learned) zero points. */
function makeCase(shape: number[], axis: number, seed: number, qmin = -8, qmax = 7): Case {
  const n = shape.reduce((a, b) => a * b, 1);
  const channels = shape[axis];
  const r = rng(seed);
  const scale = Array.from({ length: channels }, () => Math.fround(0.05 + 0.3 * r()));
  const zeroPoint = Array.from({ length: channels }, () => Math.fround(Math.floor(r() * 7) - 3 + (r() < 0.3 ? 0.5 : 0)));
  const x = randomNormal(n, seed + 1, 1.5);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i += 3) {
    const c = Math.floor(i / inner) % channels;
    const k = Math.floor(r() * (qmax - qmin + 4)) + qmin - 2; // codes around and beyond the grid
    x[i] = Math.fround((k + (r() < 0.5 ? 0.5 : 0)) * scale[c]); // ties and clip edges
  }
  x[0] = -Math.fround(0.25 * scale[0]); // rounds to -0 in float32: must come out +0 like the TypeScript kernel
  return { shape, axis, qmin, qmax, x, dy: randomNormal(n, seed + 2), scale, zeroPoint };
}

interface Result {
  readonly y: Float32Array;
  readonly dx: Float32Array;
  readonly ds: Float32Array;
  readonly dz: Float32Array;
}

function run(c: Case): Result {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape);
    const s = tf.tensor1d(c.scale);
    const z = tf.tensor1d(c.zeroPoint);
    const dy = tf.tensor(c.dy, c.shape);
    const opts = { qmin: c.qmin, qmax: c.qmax, axis: c.axis };
    const y = fakeQuantize(x, s, z, opts).dataSync() as Float32Array;
    const [dx, ds, dz] = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => fakeQuantize(a, b, d, opts))([x, s, z], dy);
    return { y: y.slice(), dx: (dx.dataSync() as Float32Array).slice(), ds: (ds.dataSync() as Float32Array).slice(), dz: (dz.dataSync() as Float32Array).slice() };
  });
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = rel * Math.max(1, Math.abs(want[i]));
    if (Math.abs(got[i] - want[i]) > tol) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

// inner = 1 (channel axis last: conv and dense weights) with channel counts below, at and above the
// 4 lanes, odd totals (scalar tails); inner > 1 (the table period C * inner; runs for the sums);
// 8-bit, 4-bit and unsigned grids.
const CASES: Array<[number[], number, number, number]> = [
  [[3, 3, 2, 16], 3, -128, 127],
  [[5, 5, 1, 10], 3, -8, 7],
  [[7, 17], 1, -128, 127],
  [[9, 3], 1, 0, 15],
  [[11, 2], 1, -2, 1],
  [[13, 1], 1, -8, 7],
  [[6, 5], 1, 0, 255],
  [[4, 3, 5], 1, -8, 7],
  [[3, 2, 2], 1, -128, 127],
  [[2, 7, 9], 1, -8, 7],
  [[10, 3, 3, 2], 0, -128, 127],
  [[2, 3, 4, 5], 2, 0, 15],
];

describe('per-channel fakeQuantize: the wasm SIMD kernels equal the TypeScript kernel bit for bit', () => {
  CASES.forEach(([shape, axis, qmin, qmax], k) => {
    it(`shape [${shape.join(', ')}], axis ${axis}, grid ${qmin}..${qmax}`, async () => {
      const c = makeCase(shape, axis, 100 + 7 * k, qmin, qmax);
      await useBackend('cpu');
      const ts = run(c);
      await useBackend('wasm');
      const simd = run(c);
      expect(bits(simd.y)).toEqual(bits(ts.y));
      expect(bits(simd.dx)).toEqual(bits(ts.dx));
      expect(bits(simd.ds)).toEqual(bits(ts.ds));
      expect(bits(simd.dz)).toEqual(bits(ts.dz));
      // and the formulas of docs/numerics.md
      const grid = { scale: c.scale, zeroPoint: c.zeroPoint, qmin, qmax, axis };
      expect(Array.from(simd.y, (v) => v + 0)).toEqual(Array.from(refFakeQuantize(c.x, shape, grid), (v) => v + 0));
      expect(Array.from(simd.y).some((v) => Object.is(v, -0))).toBe(false);
      const ref = refFakeQuantizeGrads(c.x, c.dy, shape, grid);
      expect(Array.from(simd.dx)).toEqual(Array.from(ref.dx));
      expectClose(simd.ds, ref.dscale, 1e-6);
      expectClose(simd.dz, ref.dzeroPoint, 1e-6);
    });
  });

  it('a large channel-last tensor (a batch of conv activations, 16 channels)', async () => {
    const c = makeCase([8, 12, 12, 16], 3, 5, -128, 127);
    await useBackend('cpu');
    const ts = run(c);
    await useBackend('wasm');
    const simd = run(c);
    for (const key of ['y', 'dx', 'ds', 'dz'] as const) expect(bits(simd[key])).toEqual(bits(ts[key]));
  });
});
