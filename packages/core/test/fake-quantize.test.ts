import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteError, QatjsError, fakeQuantize, fakeQuantizeWithOps, qrange, type FakeQuantizeOptions } from '@qatjs/core';
import { BACKENDS, randomNormal, refFakeQuantize, rng, useBackend } from '@qatjs/test-utils';

type Impl = typeof fakeQuantize;
const IMPLS: Array<[string, Impl]> = [
  ['kernel', fakeQuantize],
  ['tfjs ops', fakeQuantizeWithOps],
];

/** Flat values with -0 read as 0, for exact comparisons. */
function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync(), (v) => v + 0);
}
function plain(a: ArrayLike<number>): number[] {
  return Array.from(a, (v) => v + 0);
}

function run(impl: Impl, x: tf.Tensor, scale: number[], zp: number[], opts: FakeQuantizeOptions): number[] {
  return tf.tidy(() => {
    const s = opts.axis === undefined ? tf.scalar(scale[0]) : tf.tensor1d(scale);
    const z = opts.axis === undefined ? tf.scalar(zp[0]) : tf.tensor1d(zp);
    return values(impl(x, s, z, opts));
  });
}

for (const backend of BACKENDS) {
  for (const [implName, impl] of IMPLS) {
    describe(`fakeQuantize forward (${implName}, ${backend})`, () => {
      beforeAll(async () => {
        await useBackend(backend, { kernelLeakChecks: true });
      });

      it('returns an empty x as an empty tensor of its shape, like the kernel (#15 item 9)', () => {
        for (const shape of [[0], [0, 3], [2, 0, 4]]) {
          const x = tf.zeros(shape);
          expect(run(impl, x, [0.1], [0], { qmin: -128, qmax: 127 })).toEqual([]);
          const y = impl(x, tf.scalar(0.1), tf.scalar(0), { qmin: -128, qmax: 127 });
          expect(y.shape).toEqual(shape);
          tf.dispose([x, y]);
        }
      });

      it('rounds exact .5 ties to even', () => {
        const xs = [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5];
        const x = tf.tensor1d(xs);
        expect(run(impl, x, [1], [0], { qmin: -128, qmax: 127 })).toEqual([-4, -2, -2, 0, 0, 2, 2, 4, 4]);
        // scale 0.25: x / s = 2 * x, so x = k + 0.25 puts 2x on a .5 tie.
        const y = run(impl, tf.tensor1d([0.125, 0.375, -0.125, -0.375, 0.625]), [0.25], [0], { qmin: -128, qmax: 127 });
        expect(y).toEqual([0, 0.5, 0, -0.5, 0.5]);
        // ties with a zero point: round first, then add the zero point
        expect(run(impl, tf.tensor1d([0.5, 1.5, -0.5]), [1], [3], { qmin: 0, qmax: 255 })).toEqual([0, 2, 0]);
        x.dispose();
      });

      it('saturates at the clip edges, ties included', () => {
        const s = 0.1;
        const xs = [12.7, 12.74, 12.75, 12.76, 100, -12.8, -12.84, -12.85, -12.86, -100];
        const x = tf.tensor1d(xs);
        const got = run(impl, x, [s], [0], { qmin: -128, qmax: 127 });
        expect(got).toEqual(plain(refFakeQuantize(xs, [xs.length], { scale: [s], zeroPoint: [0], qmin: -128, qmax: 127 })));
        expect(got[4]).toBe(Math.fround(127 * Math.fround(0.1)));
        expect(got[9]).toBe(Math.fround(-128 * Math.fround(0.1)));
        x.dispose();
      });

      it('matches the float64 reference bit for bit, bits 2..8 and 16, signed, unsigned, narrow, affine', () => {
        const data = randomNormal(500, 11, 3);
        const x = tf.tensor1d(data);
        for (const bits of [2, 3, 4, 5, 6, 7, 8, 16]) {
          for (const grid of [
            { signed: true, symmetric: true },
            { signed: true, symmetric: true, narrowRange: true },
            { signed: false, symmetric: false },
            { signed: true, symmetric: false },
          ]) {
            const { qmin, qmax } = qrange({ bits, ...grid });
            const scale = 6 / (qmax - qmin);
            const zp = grid.symmetric ? 0 : Math.round((qmax + qmin) / 2) + 1;
            const want = refFakeQuantize(data, [data.length], { scale: [scale], zeroPoint: [zp], qmin, qmax });
            expect(run(impl, x, [scale], [zp], { qmin, qmax })).toEqual(plain(want));
          }
        }
        x.dispose();
      });

      it('quantizes per channel along every axis of a rank-4 tensor', () => {
        const shape = [2, 3, 4, 5];
        const data = randomNormal(120, 12, 2);
        const x = tf.tensor(data, shape);
        const r = rng(13);
        for (let axis = 0; axis < 4; axis++) {
          const c = shape[axis];
          const scale = Array.from({ length: c }, () => 0.005 + 0.05 * r());
          const zp = Array.from({ length: c }, () => Math.floor(r() * 20) - 10);
          const want = refFakeQuantize(data, shape, { scale, zeroPoint: zp, qmin: -128, qmax: 127, axis });
          expect(run(impl, x, scale, zp, { qmin: -128, qmax: 127, axis })).toEqual(plain(want));
          // a negative axis means the same axis
          expect(run(impl, x, scale, zp, { qmin: -128, qmax: 127, axis: axis - 4 })).toEqual(plain(want));
        }
        x.dispose();
      });

      it('rounds and clamps a fractional (learned) zero point in the forward pass', () => {
        const xs = [-1, 0, 0.3, 1];
        const x = tf.tensor1d(xs);
        const want = plain(refFakeQuantize(xs, [4], { scale: [0.1], zeroPoint: [2], qmin: 0, qmax: 15 }));
        expect(run(impl, x, [0.1], [2.3], { qmin: 0, qmax: 15 })).toEqual(want);
        expect(run(impl, x, [0.1], [2.5], { qmin: 0, qmax: 15 })).toEqual(want); // 2.5 -> 2 (even)
        const clamped = plain(refFakeQuantize(xs, [4], { scale: [0.1], zeroPoint: [15], qmin: 0, qmax: 15 }));
        expect(run(impl, x, [0.1], [40], { qmin: 0, qmax: 15 })).toEqual(clamped);
        x.dispose();
      });

      it('keeps an all-zero tensor at zero with the smallest scale', () => {
        const x = tf.zeros([3, 4]);
        expect(run(impl, x, [2 ** -23], [0], { qmin: -8, qmax: 7 })).toEqual(new Array(12).fill(0));
        x.dispose();
      });

      it('leaves no tensors behind', () => {
        const x = tf.randomNormal([4, 6]);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) run(impl, x, [0.05], [0], { qmin: -128, qmax: 127 });
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
      });

      it('rejects bad arguments with a clear error and no leak', () => {
        const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
        const s = tf.scalar(0.1);
        const z = tf.scalar(0);
        const s3 = tf.tensor1d([0.1, 0.1, 0.1]);
        const z3 = tf.zeros([3]);
        const cases: Array<[() => unknown, RegExp]> = [
          [() => impl([1, 2] as never, s, z, { qmin: -128, qmax: 127 }), /x must be a tf.Tensor, got an array/],
          [() => impl(tf.tensor1d([1], 'int32'), s, z, { qmin: -128, qmax: 127 }), /x must be float32, got int32/],
          [() => impl(x, s, z, { qmin: 5, qmax: 5 }), /qmin \(5\) must be less than qmax \(5\)/],
          [() => impl(x, s, z, { qmin: -1.5, qmax: 5 }), /qmin must be an integer/],
          [() => impl(x, s, z, null as never), /options must be an object/],
          [() => impl(x, s3, z3, { qmin: -128, qmax: 127 }), /per-tensor scale must be a scalar, got shape \[3\]/],
          [() => impl(x, s3, z3, { qmin: -128, qmax: 127, axis: 0 }), /per-channel scale must have shape \[2\]/],
          [() => impl(x, s3, z3, { qmin: -128, qmax: 127, axis: 2 }), /axis 2 is not valid for a tensor of rank 2/],
          // values a template string cannot print gave a raw TypeError (found by test/fuzz-core.test.ts)
          [() => impl(x, s3, z3, { qmin: -128, qmax: 127, axis: Object.create(null) as never }), /axis an object is not valid for a tensor of rank 2/],
          [() => impl(x, s3, z3, { qmin: -128, qmax: 127, axis: Symbol('a') as never }), /axis a symbol is not valid for a tensor of rank 2/],
          [() => impl(x, s3, z, { qmin: -128, qmax: 127, axis: 1 }), /zeroPoint shape \[\] must equal scale shape \[3\]/],
          [() => impl(x, tf.scalar(0), z, { qmin: -128, qmax: 127 }), /scale must be finite and > 0, got 0/],
          [() => impl(x, tf.scalar(-1), z, { qmin: -128, qmax: 127 }), /scale must be finite and > 0, got -1/],
          [() => impl(x, tf.scalar(NaN), z, { qmin: -128, qmax: 127 }), /scale must be finite and > 0, got NaN/],
          [() => impl(x, s, tf.scalar(Infinity), { qmin: -128, qmax: 127 }), /zeroPoint must be finite/],
        ];
        for (const [fn, message] of cases) {
          const before = tf.memory().numTensors;
          expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(message);
          expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(QatjsError);
          expect(tf.memory().numTensors).toBe(before);
        }
        tf.dispose([x, s, z, s3, z3]);
      });

      it('rejects NaN and Infinity in x with a NonFiniteError and no leak', () => {
        const s = tf.scalar(0.1);
        const z = tf.scalar(0);
        for (const bad of [NaN, Infinity, -Infinity]) {
          const x = tf.tensor1d([1, 2, bad, 4]);
          const before = tf.memory().numTensors;
          expect(() => tf.tidy(() => impl(x, s, z, { qmin: -128, qmax: 127 }))).toThrow(NonFiniteError);
          expect(tf.memory().numTensors).toBe(before);
          x.dispose();
        }
        tf.dispose([s, z]);
      });
    });
  }
}
