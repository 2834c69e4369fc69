import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { rng } from '@qatjs/test-utils';
import { data, expectKernelMatchesCpu, kernelOn, type Data } from './helpers/kernel-compare.ts';

// MaxPoolGrad: tfjs-backend-wasm's own is wrong (see src/wasm-gradients/max-pool-grad-first-max.ts);
// ours must route each window's gradient exactly as tfjs-backend-cpu does.
type Pool = { x: number[]; filter: [number, number]; strides: [number, number]; pad: 'same' | 'valid' | number };

function poolInputs(p: Pool, x: Data, seed: number): Record<string, Data> {
  const info = tf.backend_util.computePool2DInfo(p.x as [number, number, number, number], p.filter, p.strides, 1, p.pad, typeof p.pad === 'number' ? 'ceil' : undefined);
  // output is unused by both kernels (they find the maxima in the input); it only has to have the right shape
  return { dy: data(info.outShape, seed), input: x, output: data(info.outShape, seed + 1) };
}

const attrsOf = (p: Pool) => ({ filterSize: p.filter, strides: p.strides, pad: p.pad, dimRoundingMode: typeof p.pad === 'number' ? 'ceil' : undefined });

describe('MaxPoolGrad on wasm matches tfjs-backend-cpu', () => {
  it('passes the gradient of windows whose values are all negative (stock wasm loses them)', async () => {
    // [1, 8, 8, 1], 2x2 stride 2, every value negative: each of the 16 windows must pass its dy
    const p: Pool = { x: [1, 8, 8, 1], filter: [2, 2], strides: [2, 2], pad: 'valid' };
    const x = data(p.x, 3);
    x.values = x.values.map((v) => -1 - Math.abs(v));
    const ins = poolInputs(p, x, 4);
    ins.dy.values.fill(1);
    const dx = await kernelOn('wasm', 'MaxPoolGrad', ins, attrsOf(p));
    expect(dx.reduce((s, v) => s + v, 0)).toBe(16);
    await expectKernelMatchesCpu('MaxPoolGrad', ins, attrsOf(p), 'all negative');
  });

  it('gives a tie to the first maximum in the window, as cpu and TensorFlow do', async () => {
    const p: Pool = { x: [1, 2, 2, 1], filter: [2, 2], strides: [2, 2], pad: 'valid' };
    const ins = { dy: { values: Float32Array.of(5), shape: [1, 1, 1, 1] }, input: { values: Float32Array.of(1, 3, 3, 2), shape: p.x }, output: { values: Float32Array.of(3), shape: [1, 1, 1, 1] } };
    expect(Array.from(await kernelOn('wasm', 'MaxPoolGrad', ins, attrsOf(p)))).toEqual([0, 5, 0, 0]);
    await expectKernelMatchesCpu('MaxPoolGrad', ins, attrsOf(p), 'tie');
  });

  it('handles all-zero windows (after ReLU) and -Infinity / NaN like cpu', async () => {
    const p: Pool = { x: [1, 4, 4, 2], filter: [2, 2], strides: [2, 2], pad: 'valid' };
    const x = data(p.x, 9);
    for (let i = 0; i < 8; i++) x.values[i] = 0;
    x.values[8] = -Infinity;
    x.values[10] = -Infinity;
    x.values[12] = NaN;
    await expectKernelMatchesCpu('MaxPoolGrad', poolInputs(p, x, 10), attrsOf(p), 'zeros, -Infinity, NaN');
  });

  const r = rng(4242);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: Pool[] = [
    { x: [2, 7, 7, 3], filter: [3, 3], strides: [2, 2], pad: 'same' },
    { x: [1, 5, 5, 2], filter: [3, 3], strides: [1, 1], pad: 'same' },
    { x: [2, 9, 7, 3], filter: [3, 2], strides: [2, 3], pad: 'valid' },
    { x: [1, 6, 6, 2], filter: [3, 3], strides: [2, 2], pad: 1 },
    { x: [16, 28, 28, 16], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  ];
  while (cases.length < 25) {
    const f: [number, number] = [int(1, 3), int(1, 3)];
    const x = [int(1, 3), int(f[0], 10), int(f[1], 10), int(1, 5)];
    cases.push({ x, filter: f, strides: [int(1, 3), int(1, 3)], pad: r() < 0.5 ? 'same' : 'valid' });
  }
  cases.forEach((p, i) => {
    it(`x[${p.x}] window ${p.filter} stride ${p.strides} pad ${p.pad}`, async () => {
      const x = data(p.x, 50 + i);
      // quantize some values so that ties occur
      if (i % 2 === 1) x.values = x.values.map((v) => Math.round(v * 2) / 2);
      await expectKernelMatchesCpu('MaxPoolGrad', poolInputs(p, x, 80 + i), attrsOf(p), `case ${i}`);
    });
  });
});
