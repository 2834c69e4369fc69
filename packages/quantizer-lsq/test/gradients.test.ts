import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQuantizer, type QuantPoint, type QuantizeContext, type Quantizer } from '@qatjs/core';
import { LSQ_PLUS } from '@qatjs/quantizer-lsq';
import { BACKENDS, randomNormal, refFakeQuantizeGrads, refRoundHalfEven, rng, steSurrogate, useBackend, type RefGrid } from '@qatjs/test-utils';

// The step-size and zero-point gradients of LSQ and LSQ+ against the closed forms of docs/numerics.md and
// against central finite differences of the STE surrogate, both times the gradient scale
// g = 1/sqrt(N * Qp), computed here from the papers' definitions.

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };

interface Case {
  readonly name: string;
  readonly quantizer: 'lsq' | typeof LSQ_PLUS;
  readonly point: QuantPoint;
  readonly shape: number[];
  readonly bits: number;
  readonly perChannel: boolean;
  /** The grid the quantizer is loaded with (qmin/qmax as the plugin will derive them). */
  readonly grid: RefGrid;
  /** N * Qp of the LSQ gradient scale, from the paper's definitions. */
  readonly nTimesQp: number;
}

const weight = (shape: number[]): QuantPoint => ({ name: 'weight', role: 'weight', path: 'fc', layerKind: 'Dense', label: 'fc/weight', shape, channelAxis: 1 });
const activation = (sample: number[], nonNegative = false): QuantPoint => ({
  name: 'output', role: 'activation', path: 'fc', layerKind: 'Dense', label: 'fc/output', shape: sample, channelAxis: 1, nonNegative,
});

function steps(channels: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: channels }, () => Math.fround(0.15 + 0.3 * r()));
}

const CASES: Case[] = [
  // 3-bit signed symmetric: codes -4..3, Qp = 3; one step for all 42 weights.
  { name: 'LSQ weight per-tensor', quantizer: 'lsq', point: weight([6, 7]), shape: [6, 7], bits: 3, perChannel: false,
    grid: { scale: steps(1, 1), zeroPoint: [0], qmin: -4, qmax: 3 }, nTimesQp: 42 * 3 },
  // per channel along axis 1: 6 weights share each of the 7 steps.
  { name: 'LSQ weight per-channel', quantizer: 'lsq', point: weight([6, 7]), shape: [6, 7], bits: 3, perChannel: true,
    grid: { scale: steps(7, 2), zeroPoint: [0, 0, 0, 0, 0, 0, 0], qmin: -4, qmax: 3, axis: 1 }, nTimesQp: 6 * 3 },
  // activations: N counts the features of one sample (5), not the batch (8 x 5).
  { name: 'LSQ activation per-tensor', quantizer: 'lsq', point: activation([5]), shape: [8, 5], bits: 3, perChannel: false,
    grid: { scale: steps(1, 3), zeroPoint: [0], qmin: -4, qmax: 3 }, nTimesQp: 5 * 3 },
  // unsigned after ReLU: codes 0..7, Qp = 7; per channel N = 1 feature per sample and step.
  { name: 'LSQ activation per-channel, unsigned', quantizer: 'lsq', point: activation([5], true), shape: [8, 5], bits: 3, perChannel: true,
    grid: { scale: steps(5, 4), zeroPoint: [0, 0, 0, 0, 0], qmin: 0, qmax: 7, axis: 1 }, nTimesQp: 1 * 7 },
  // LSQ+: affine 3-bit signed codes -4..3; Qp = qmax - qmin = 7; fractional zero points (1.3 -> 1, -0.5 -> -0 (even)).
  { name: 'LSQ+ activation per-tensor', quantizer: LSQ_PLUS, point: activation([5]), shape: [8, 5], bits: 3, perChannel: false,
    grid: { scale: steps(1, 5), zeroPoint: [1.3], qmin: -4, qmax: 3 }, nTimesQp: 5 * 7 },
  { name: 'LSQ+ activation per-channel', quantizer: LSQ_PLUS, point: activation([5]), shape: [8, 5], bits: 3, perChannel: true,
    grid: { scale: steps(5, 6), zeroPoint: [1.3, -0.5, 2, -2.7, 0], qmin: -4, qmax: 3, axis: 1 }, nTimesQp: 1 * 7 },
  { name: 'LSQ+ weight per-channel', quantizer: LSQ_PLUS, point: weight([6, 7]), shape: [6, 7], bits: 3, perChannel: true,
    grid: { scale: steps(7, 7), zeroPoint: [0.4, -1.6, 2.5, 1, -3, 0, 0.7], qmin: -4, qmax: 3, axis: 1 }, nTimesQp: 6 * 7 },
];

/** Data that is inside the grid, clipped low and clipped high, in every channel. */
function data(c: Case, seed: number): { x: Float32Array; dy: Float32Array } {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = randomNormal(n, seed, 0.8);
  const channels = c.grid.axis === undefined ? 1 : c.shape[c.grid.axis];
  for (let ch = 0; ch < channels; ch++) {
    x[ch] = 40; // row 0: clipped high in each channel (row-major [rows, channels])
    x[channels + ch] = -40; // row 1: clipped low
  }
  return { x, dy: randomNormal(n, seed + 1) };
}

function makeQuantizer(c: Case): Quantizer {
  const q = createQuantizer(c.quantizer, { bits: c.bits, perChannel: c.perChannel, init: 1 }, c.point);
  const d: Record<string, number[] | boolean> = { initialized: true, step: c.grid.scale };
  if (c.quantizer === LSQ_PLUS) d.zeroPoint = c.grid.zeroPoint;
  q.load({ quantizer: c.quantizer, frozen: false, data: d });
  return q;
}

/** dL/dx and dL/d(each variable) of L = sum(dy * apply(x)). */
function autograd(q: Quantizer, c: Case, x: Float32Array, dy: Float32Array) {
  return tf.tidy(() => {
    const xt = tf.tensor(x, c.shape);
    const dyt = tf.tensor(dy, c.shape);
    const loss = (xv: tf.Tensor) => tf.sum(tf.mul(q.apply(xv, TRAIN), dyt)) as tf.Scalar;
    const dx = Array.from(tf.grad(loss)(xt).dataSync());
    const { grads } = tf.variableGrads(() => loss(xt), [...q.variables]);
    const [ds, dz] = q.variables.map((v) => Array.from(grads[v.name].dataSync()));
    return { dx, ds, dz };
  });
}

function expectClose(got: number[], want: ArrayLike<number>, rel: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const tol = rel * Math.max(1e-3, Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

for (const backend of BACKENDS) {
  describe(`LSQ / LSQ+ gradients with the gradient scale (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const c of CASES) {
      it(`${c.name}: step (and zero point) gradients are g times the closed forms, x gets the clipped STE`, () => {
        const q = makeQuantizer(c);
        const { x, dy } = data(c, 10);
        const want = refFakeQuantizeGrads(x, dy, c.shape, c.grid);
        // each case hits all three regions
        expect(Array.from(want.dx).some((v, i) => v === 0 && x[i] > 0) && Array.from(want.dx).some((v, i) => v === 0 && x[i] < 0)).toBe(true);
        expect(Array.from(want.dx).some((v) => v !== 0)).toBe(true);
        const g = 1 / Math.sqrt(c.nTimesQp);
        const got = autograd(q, c, x, dy);
        expect(got.dx).toEqual(Array.from(want.dx));
        expectClose(got.ds, Array.from(want.dscale, (v) => v * g), 1e-5, 'dstep');
        if (c.quantizer === LSQ_PLUS) expectClose(got.dz, Array.from(want.dzeroPoint, (v) => v * g), 1e-5, 'dzeroPoint');
        else expect(got.dz).toBeUndefined();
        q.dispose();
      });

      it(`${c.name}: gradients equal g times central finite differences of the STE surrogate`, () => {
        const q = makeQuantizer(c);
        const { x, dy } = data(c, 20);
        const got = autograd(q, c, x, dy);
        // The STE treats the zero point's rounding as the identity: differentiate around the rounded one.
        const grid = { ...c.grid, zeroPoint: c.grid.zeroPoint.map(refRoundHalfEven) };
        const f = steSurrogate(x, c.shape, grid);
        const x64 = Float64Array.from(x);
        const g = 1 / Math.sqrt(c.nTimesQp);
        const h = 1e-4;
        const fd = (bump: (s: number[], z: number[]) => void) => {
          const [sp, zp, sm, zm] = [[...grid.scale], [...grid.zeroPoint], [...grid.scale], [...grid.zeroPoint]];
          bump(sp, zp);
          // the opposite bump: mirror the change around the base values
          sp.forEach((v, i) => (sm[i] = 2 * grid.scale[i] - v));
          zp.forEach((v, i) => (zm[i] = 2 * grid.zeroPoint[i] - v));
          return (f(x64, sp, zp, dy) - f(x64, sm, zm, dy)) / (2 * h);
        };
        for (let ch = 0; ch < grid.scale.length; ch++) {
          const fdS = g * fd((s) => (s[ch] += h));
          expect(Math.abs(got.ds[ch] - fdS)).toBeLessThan(1e-3 * Math.max(0.1, Math.abs(fdS)));
          if (c.quantizer === LSQ_PLUS) {
            const fdZ = g * fd((_, z) => (z[ch] += h));
            expect(Math.abs(got.dz[ch] - fdZ)).toBeLessThan(1e-3 * Math.max(0.1, Math.abs(fdZ)));
          }
        }
        q.dispose();
      });
    }

    it('gradScale: false leaves the closed form unscaled; a number scales by exactly that', () => {
      const c = CASES[1];
      const { x, dy } = data(c, 30);
      const want = refFakeQuantizeGrads(x, dy, c.shape, c.grid).dscale;
      for (const [gradScale, g] of [[false, 1], [0.25, 0.25]] as const) {
        const q = createQuantizer('lsq', { bits: 3, perChannel: true, init: 1, gradScale }, c.point);
        q.load({ quantizer: 'lsq', frozen: false, data: { initialized: true, step: c.grid.scale } });
        expectClose(autograd(q, c, x, dy).ds, Array.from(want, (v) => v * g), 1e-5, `dstep (gradScale ${gradScale})`);
        q.dispose();
      }
    });
  });
}
