import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { installWasmTrainingKernels } from '@qatjs/tfjs-wasm-training';
import { rng, useBackend } from '@qatjs/test-utils';

// Slice, SplitV and Unpack on wasm read their input in place (the stock kernels copy the whole input
// per output): every result must equal tfjs-backend-cpu's, for float32, int32 and bool, any axis.
type Op = (x: tf.Tensor) => tf.Tensor[];

async function on(backend: 'cpu' | 'wasm', values: number[], shape: number[], dtype: 'float32' | 'int32' | 'bool', op: Op) {
  await useBackend(backend);
  return tf.tidy(() => op(tf.tensor(values, shape, dtype)).map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) })));
}

describe('Slice, SplitV and Unpack on wasm match tfjs-backend-cpu', () => {
  installWasmTrainingKernels();
  const r = rng(7);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: Array<{ shape: number[]; what: string; op: Op }> = [];
  for (let c = 0; c < 24; c++) {
    const rank = int(1, 4);
    const shape = Array.from({ length: rank }, () => int(1, 5));
    const axis = int(0, rank - 1);
    const begin = shape.map((d) => int(0, d - 1));
    const size = shape.map((d, i) => int(0, d - begin[i]) || -1);
    cases.push({ shape, what: `slice [${begin}] size [${size}]`, op: (x) => [tf.slice(x, begin, size)] });
    cases.push({ shape, what: `unstack axis ${axis}`, op: (x) => tf.unstack(x, axis) });
    const cut = int(0, shape[axis]);
    cases.push({ shape, what: `split axis ${axis} at ${cut}`, op: (x) => tf.split(x, [cut, shape[axis] - cut], axis) });
  }
  cases.push({ shape: [28, 128, 64], what: 'unstack of a sequence', op: (x) => tf.unstack(x) });
  cases.push({ shape: [4, 12], what: 'split into 4 gates', op: (x) => tf.split(x, 4, 1) });
  for (const c of cases) {
    it(`${c.what} of [${c.shape}]`, async () => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (i * 7) % 3 === 0 ? 1 : 0 : dtype === 'int32' ? i - 5 : i * 0.25 - 3));
        const want = await on('cpu', values, c.shape, dtype, c.op);
        expect(await on('wasm', values, c.shape, dtype, c.op)).toEqual(want);
      }
    });
  }

});
