import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeQuantize, fakeQuantizeWithOps } from '@qatjs/core';
import { BACKENDS, randomNormal, refFakeQuantizeGrads, rng, steSurrogate, useBackend, type RefGrid } from '@qatjs/test-utils';

type Impl = typeof fakeQuantize;
const IMPLS: Array<[string, Impl, number]> = [
  // kernel sums in float64; the tfjs-ops version sums in float32, hence the looser tolerance
  ['kernel', fakeQuantize, 1e-6],
  ['tfjs ops', fakeQuantizeWithOps, 2e-5],
];

interface Case {
  shape: number[];
  x: Float32Array;
  dy: Float32Array;
  grid: RefGrid;
}

/** Data that hits the inside, both clip sides and exact ties. */
function makeCase(shape: number[], axis: number | undefined, seed: number, qmin = -8, qmax = 7, affine = true): Case {
  const n = shape.reduce((a, b) => a * b, 1);
  const channels = axis === undefined ? 1 : shape[axis];
  const r = rng(seed);
  const scale = Array.from({ length: channels }, () => Math.fround(0.1 + 0.2 * r()));
  const zeroPoint = Array.from({ length: channels }, () => (affine ? Math.floor(r() * 5) - 2 : 0));
  const x = randomNormal(n, seed + 1, 1.2);
  x[0] = Math.fround(2.5 * scale[0]); // an exact tie
  x[1] = 50; // clipped high
  x[2] = -50; // clipped low
  return { shape, x, dy: randomNormal(n, seed + 2), grid: { scale, zeroPoint, qmin, qmax, ...(axis === undefined ? {} : { axis }) } };
}

function autograd(impl: Impl, c: Case) {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape);
    const per = c.grid.axis === undefined;
    const s = per ? tf.scalar(c.grid.scale[0]) : tf.tensor1d(c.grid.scale);
    const z = per ? tf.scalar(c.grid.zeroPoint[0]) : tf.tensor1d(c.grid.zeroPoint);
    const dy = tf.tensor(c.dy, c.shape);
    const opts = { qmin: c.grid.qmin, qmax: c.grid.qmax, ...(per ? {} : { axis: c.grid.axis }) };
    const [dx, ds, dz] = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => impl(a, b, d, opts))([x, s, z], dy);
    expect(ds.shape).toEqual(s.shape);
    expect(dz.shape).toEqual(z.shape);
    return { dx: Array.from(dx.dataSync()), ds: Array.from(ds.dataSync()), dz: Array.from(dz.dataSync()) };
  });
}

function expectClose(got: number[], want: ArrayLike<number>, rel: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = rel * Math.max(1, Math.abs(want[i]));
    if (Math.abs(got[i] - want[i]) > tol) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

for (const backend of BACKENDS) {
  for (const [implName, impl, rel] of IMPLS) {
    describe(`fakeQuantize gradients (${implName}, ${backend})`, () => {
      beforeAll(async () => {
        await useBackend(backend, { kernelLeakChecks: true });
      });

      const shapes: Array<[string, number[], number | undefined]> = [
        ['per-tensor', [6, 7], undefined],
        ['per-channel axis 0', [3, 4, 5, 2], 0],
        ['per-channel axis 1', [3, 4, 5, 2], 1],
        ['per-channel axis 2', [3, 4, 5, 2], 2],
        ['per-channel axis 3', [3, 4, 5, 2], 3],
      ];

      for (const [name, shape, axis] of shapes) {
        it(`${name}: STE for x and LSQ/LSQ+ for scale and zero point match the closed forms`, () => {
          const c = makeCase(shape, axis, 100 + (axis ?? 9));
          const want = refFakeQuantizeGrads(c.x, c.dy, c.shape, c.grid);
          const got = autograd(impl, c);
          // some elements are clipped on each side and some are inside
          const clippedLow = Array.from(c.x).some((v, i) => want.dx[i] === 0 && v < 0);
          const clippedHigh = Array.from(c.x).some((v, i) => want.dx[i] === 0 && v > 0);
          expect(clippedLow && clippedHigh).toBe(true);
          expect(got.dx).toEqual(Array.from(want.dx));
          expectClose(got.ds, want.dscale, rel);
          expectClose(got.dz, want.dzeroPoint, rel);
        });

        it(`${name}: gradients equal central finite differences of the STE surrogate`, () => {
          const c = makeCase(shape, axis, 200 + (axis ?? 9));
          const got = autograd(impl, c);
          const f = steSurrogate(c.x, c.shape, c.grid);
          const x64 = Float64Array.from(c.x);
          const h = 1e-4;
          const at = (x: ArrayLike<number>, s: number[], z: number[]) => f(x, s, z, c.dy);
          for (let ch = 0; ch < c.grid.scale.length; ch++) {
            const sp = [...c.grid.scale];
            const sm = [...c.grid.scale];
            sp[ch] += h;
            sm[ch] -= h;
            const fdS = (at(x64, sp, c.grid.zeroPoint) - at(x64, sm, c.grid.zeroPoint)) / (2 * h);
            expect(Math.abs(got.ds[ch] - fdS)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fdS)));
            const zp = [...c.grid.zeroPoint];
            const zm = [...c.grid.zeroPoint];
            zp[ch] += h;
            zm[ch] -= h;
            const fdZ = (at(x64, c.grid.scale, zp) - at(x64, c.grid.scale, zm)) / (2 * h);
            expect(Math.abs(got.dz[ch] - fdZ)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fdZ)));
          }
          for (let i = 0; i < c.x.length; i += 7) {
            const xp = Float64Array.from(x64);
            const xm = Float64Array.from(x64);
            xp[i] += h;
            xm[i] -= h;
            const fd = (at(xp, c.grid.scale, c.grid.zeroPoint) - at(xm, c.grid.scale, c.grid.zeroPoint)) / (2 * h);
            expect(Math.abs(got.dx[i] - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
          }
        });
      }

      it('differentiates a fractional zero point as if continuous (STE) while rounding it forward', () => {
        const c = makeCase([40], undefined, 300, 0, 15);
        c.grid.zeroPoint = [3.3];
        const got = autograd(impl, c);
        const want = refFakeQuantizeGrads(c.x, c.dy, c.shape, c.grid); // reference rounds 3.3 -> 3
        expect(got.dx).toEqual(Array.from(want.dx));
        expectClose(got.dz, want.dzeroPoint, rel);
      });

      it('trains a scale and leaves no tensors across steps', () => {
        const x = tf.tensor1d(randomNormal(256, 400, 1));
        const s = tf.variable(tf.scalar(0.5));
        const z = tf.scalar(0);
        const opt = tf.train.sgd(0.01);
        const loss = () => tf.mean(tf.square(tf.sub(impl(x, s, z, { qmin: -8, qmax: 7 }), x))) as tf.Scalar;
        const step = () => tf.dispose(opt.minimize(loss, true, [s]) ?? []);
        const first = tf.tidy(() => loss().dataSync()[0]);
        step();
        const before = tf.memory().numTensors;
        for (let i = 0; i < 30; i++) step();
        expect(tf.memory().numTensors).toBe(before);
        const last = tf.tidy(() => loss().dataSync()[0]);
        expect(last).toBeLessThan(first);
        expect(s.dataSync()[0]).not.toBe(0.5);
        tf.dispose([x, s, z]);
        opt.dispose();
      });
    });
  }
}
