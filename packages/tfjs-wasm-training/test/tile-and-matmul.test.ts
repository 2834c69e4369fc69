import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomUniform, rng, useBackend } from '@qatjs/test-utils';
import { data, expectKernelMatchesCpu, kernelOn, size, type Data } from './helpers/kernel-compare.ts';

// Tile and BatchMatMul: tfjs-backend-wasm's are correct but slow where training uses them (Tile in
// the batch-norm gradient, transposed products in the dense-layer gradients); ours must agree with
// tfjs-backend-cpu, exactly for Tile.
describe('Tile on wasm matches tfjs-backend-cpu', () => {
  const r = rng(31);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: Array<[number[], number[]]> = [
    [[1, 1, 1, 16], [8, 28, 28, 1]],
    [[3], [4]],
    [[2, 3], [1, 1]],
    [[2, 3], [3, 2]],
    [[2, 1, 3], [2, 5, 1]],
    [[2, 2, 2, 2, 2], [1, 2, 1, 3, 2]],
    [[2, 3], [0, 2]],
  ];
  while (cases.length < 20) {
    const rank = int(1, 4);
    cases.push([Array.from({ length: rank }, () => int(1, 4)), Array.from({ length: rank }, () => int(1, 3))]);
  }
  for (const [shape, reps] of cases) {
    it(`float32 [${shape}] x [${reps}]`, async () => {
      const cpu = await kernelOn('cpu', 'Tile', { x: data(shape, size(shape)) }, { reps });
      const wasm = await kernelOn('wasm', 'Tile', { x: data(shape, size(shape)) }, { reps });
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    });
  }

  it('tiles int32 and bool tensors too', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const i = tf.tile(tf.tensor2d([[1, -2, 3]], [1, 3], 'int32'), [2, 2]);
      const b = tf.tile(tf.tensor1d([true, false], 'bool'), [3]);
      expect(Array.from(i.dataSync())).toEqual([1, -2, 3, 1, -2, 3, 1, -2, 3, 1, -2, 3]);
      expect(i.dtype).toBe('int32');
      expect(Array.from(b.dataSync())).toEqual([1, 0, 1, 0, 1, 0]);
      tf.dispose([i, b]);
    }
  });
});

describe('BatchMatMul on wasm matches tfjs-backend-cpu', () => {
  const mat = (shape: number[], seed: number): Data => ({ values: randomUniform(size(shape), seed, -1, 1), shape });
  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
    { a: [64, 300], b: [64, 10], ta: true, tb: false },
    { a: [64, 10], b: [300, 10], ta: false, tb: true },
    { a: [7, 5], b: [3, 7], ta: true, tb: true },
    { a: [1, 7, 5], b: [1, 7, 4], ta: true, tb: false },
    { a: [1, 1, 6, 5], b: [4, 5], ta: false, tb: true },
    { a: [3, 7, 5], b: [3, 7, 4], ta: true, tb: false }, // batch 3: slice by slice
    { a: [2, 3, 6, 5], b: [2, 3, 5, 4], ta: false, tb: false }, // attention's p v
    { a: [2, 3, 6, 5], b: [2, 3, 6, 5], ta: false, tb: true }, // attention's q k^T
    { a: [2, 3, 6, 6], b: [2, 3, 6, 5], ta: true, tb: false }, // p^T dy
    { a: [4, 6, 5], b: [5, 3], ta: false, tb: false }, // b broadcast over the batch
    { a: [6, 5], b: [4, 5, 3], ta: false, tb: false }, // a broadcast over the batch
    { a: [2, 1, 3, 4], b: [1, 3, 4, 2], ta: false, tb: false }, // broadcast on two axes: the backend's own kernel
    { a: [5, 6], b: [6, 4], ta: false, tb: false },
  ];
  cases.forEach((c, i) => {
    it(`a[${c.a}]${c.ta ? 'ᵀ' : ''} x b[${c.b}]${c.tb ? 'ᵀ' : ''}`, async () => {
      await expectKernelMatchesCpu('BatchMatMul', { a: mat(c.a, 10 + i), b: mat(c.b, 20 + i) }, { transposeA: c.ta, transposeB: c.tb }, `case ${i}`);
    });
  });

  it('keeps the output shape of rank-3 and rank-4 operands', async () => {
    await useBackend('wasm');
    const y = tf.matMul(tf.ones([1, 1, 6, 5]), tf.ones([4, 5]), false, true);
    expect(y.shape).toEqual([1, 1, 6, 4]);
    tf.dispose(y);
  });
});
