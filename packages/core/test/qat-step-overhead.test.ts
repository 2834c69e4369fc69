// What a QAT training step adds on top of the float step: the fake-quantize kernels and the observers'
// statistics, nothing else. The saved inputs of fakeQuantize share their data with the inputs (no
// Identity copies), the weight observers run no tfjs kernel (nothing recorded on the gradient tape),
// the step leaves no tensor behind and runs the same kernels every step; and the values are those of
// the tfjs-standard path: gradients bit-identical to the kernel run with tfjs saving clones, observed
// ranges equal to tf.min / tf.max.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sequential, createObserver, fakeQuantize, prepare, registerQuantizer, unregisterQuantizer, type Module } from '@qatjs/core';
import { BACKENDS, randomNormal, useBackend } from '@qatjs/test-utils';
import { TEST_W8A8 } from './helpers/digits-fit.ts';
import { TestDense, testObservedQuantizer } from './helpers/test-layers.ts';

beforeAll(() => registerQuantizer(testObservedQuantizer));
afterAll(() => unregisterQuantizer('test-observed'));

type Fq = (x: tf.Tensor, s: tf.Tensor, z: tf.Tensor) => tf.Tensor;
const GRID = { qmin: -8, qmax: 7 };
/** The fakeQuantize kernel run as any tfjs kernel: under a tape tfjs saves clones of its inputs. */
const standard = (axis: number): Fq => (x, s, z) => tf.engine().runKernel('QatjsFakeQuantize', { x, scale: s, zeroPoint: z }, { ...GRID, axis }) as tf.Tensor;

/** d/d(x0, s, z) of sum(fq(1.5 x0) * w), the fake-quantized input an intermediate of an inner tidy. */
function gradsOf(fq: Fq, shape: number[], axis: number | undefined): number[][] {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = axis === undefined ? 1 : shape[axis];
  return tf.tidy(() => {
    const x0 = tf.tensor(randomNormal(n, 1, 2), shape);
    const w = tf.tensor(randomNormal(n, 2), shape);
    const s = axis === undefined ? tf.scalar(0.3) : tf.tensor1d(Array.from({ length: c }, (_, i) => 0.2 + 0.05 * i));
    const z = axis === undefined ? tf.scalar(1) : tf.tensor1d(Array.from({ length: c }, (_, i) => (i % 3) - 1));
    const f = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(tf.tidy(() => fq(tf.mul(a, 1.5), b, d)), w));
    return tf.grads(f)([x0, s, z]).map((g) => Array.from(g.dataSync()));
  });
}

for (const backend of BACKENDS) describe(`QAT step overhead on ${backend}`, () => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  for (const [name, shape, axis] of [['per-tensor', [4, 6, 5], undefined], ['per-channel', [4, 6, 5], 2]] as const) {
    it(`${name}: gradients bit-identical to the kernel with tfjs-saved clones, no tensor left`, () => {
      const before = tf.memory().numTensors;
      const opts = { ...GRID, ...(axis === undefined ? {} : { axis }) };
      const ours = gradsOf((x, s, z) => fakeQuantize(x, s, z, opts), [...shape], axis);
      const theirs = gradsOf(standard(axis ?? -1), [...shape], axis);
      expect(ours).toEqual(theirs);
      expect(ours[0].some((v) => v === 0) && ours[0].some((v) => v !== 0)).toBe(true); // clipped and inside
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('weight observers: ranges equal tf.min / tf.max, per tensor and per channel, and run no tfjs kernel', async () => {
    const w = tf.tensor(randomNormal(7 * 9, 3), [7, 9]);
    for (const axis of [undefined, 0, 1]) {
      const obs = createObserver({ name: 'minMax', options: {} }, { spec: { bits: 8, signed: true, symmetric: true, ...(axis === undefined ? {} : { axis }) }, label: 'w' });
      const info = await tf.profile(() => obs.observe(w));
      expect(info.kernels.map((k) => k.name)).toEqual([]);
      const axes = axis === undefined ? undefined : [1 - axis];
      const want = tf.tidy(() => [tf.min(w, axes), tf.max(w, axes)].map((t) => Array.from(t.dataSync())));
      const got = obs.range();
      expect([Array.from(got.min), Array.from(got.max)]).toEqual(want);
    }
    w.dispose();
  });

  it('a QAT training step copies no more tensors (Identity) than the float step, runs the same kernels each step, leaks nothing', async () => {
    const make = () => new Sequential([new TestDense(16, 12, true, 1), new TestDense(4, 16, false, 2)]);
    const x = tf.tensor(randomNormal(32 * 12, 4), [32, 12]);
    const y = tf.tensor(randomNormal(32 * 4, 5), [32, 4]);
    const stepper = (m: Module) => {
      const opt = tf.train.adam(1e-3);
      const vars = m.trainableVariables();
      return { opt, step: () => opt.minimize(() => tf.mean(tf.square(tf.sub(m.forward(x), y))) as tf.Scalar, true, vars)?.dispose() };
    };
    const fp32 = make();
    const qat = make();
    prepare(qat, TEST_W8A8, { onWarning: () => {} });
    const [a, q] = [stepper(fp32), stepper(qat)];
    a.step();
    q.step(); // the first steps create the optimizer slots and the observers' statistics
    const kernels = async (step: () => void) => (await tf.profile(step)).kernels.map((k) => k.name);
    const [fpK, qK1] = [await kernels(a.step), await kernels(q.step)];
    const before = tf.memory().numTensors;
    const qK2 = await kernels(q.step);
    expect(tf.memory().numTensors).toBe(before);
    expect(qK2).toEqual(qK1);
    const count = (ks: string[], name: string) => ks.filter((k) => k === name).length;
    expect(count(qK1, 'QatjsFakeQuantize')).toBe(5); // input, 2 weights, 2 outputs
    expect(count(qK1, 'Identity')).toBe(count(fpK, 'Identity'));
    expect(qK1.filter((k) => k === 'Min' || k === 'Max')).toEqual([]);
    // what QAT adds: the fake-quantize kernels and their gradients, and the reshapes that share their saved inputs
    const extra = new Map<string, number>();
    for (const k of qK1) extra.set(k, (extra.get(k) ?? 0) + 1);
    for (const k of fpK) extra.set(k, (extra.get(k) ?? 0) - 1);
    expect(Object.fromEntries([...extra].filter(([, n]) => n !== 0))).toEqual({ QatjsFakeQuantize: 5, QatjsFakeQuantizeGrad: expect.any(Number), Reshape: 15 });
    a.opt.dispose();
    q.opt.dispose();
    tf.dispose([x, y]);
    fp32.dispose();
    qat.dispose();
  });
});
