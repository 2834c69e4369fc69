import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@qatjs/test-utils';
import { data } from './helpers/kernel-compare.ts';

// tfjs-backend-wasm has no UnsortedSegmentSum, which tfjs's gather gradient (an embedding's weight
// gradient) needs; ours must agree with tfjs-backend-cpu.
describe('UnsortedSegmentSum on wasm matches tfjs-backend-cpu', () => {
  const cases: Array<{ x: number[]; ids: number[]; numSegments: number }> = [
    { x: [6, 4], ids: [0, 2, 0, 1, 2, 2], numSegments: 3 },
    { x: [5], ids: [1, 1, 0, 3, 1], numSegments: 5 },
    { x: [4, 2, 3], ids: [3, 0, 3, 3], numSegments: 4 },
    { x: [3, 2], ids: [2, 2, 2], numSegments: 6 },
  ];
  for (const c of cases) {
    it(`x [${c.x}] into ${c.numSegments} segments`, async () => {
      const ids = { values: Float32Array.from(c.ids), shape: [c.ids.length] };
      const run = async (backend: 'cpu' | 'wasm') => {
        await useBackend(backend);
        const x = tf.tensor(data(c.x, 7).values, c.x);
        const s = tf.tensor1d(ids.values, 'int32');
        const out = tf.unsortedSegmentSum(x, s, c.numSegments);
        const v = Float32Array.from(out.dataSync());
        tf.dispose([x, s, out]);
        return v;
      };
      expect(Array.from(await run('wasm'))).toEqual(Array.from(await run('cpu')));
    });
  }

  it('sums the rows of a gather gradient by token id (what an embedding table receives)', async () => {
    await useBackend('wasm');
    const dy = tf.ones([3, 2]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const g = tf.unsortedSegmentSum(dy, ids, 3);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
    tf.dispose([dy, ids, g]);
  });

  it('refuses non-integer segment counts', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([1, 2]);
    const s = tf.tensor1d([0, 1], 'int32');
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: s }, { numSegments: 1.5 })).toThrow(/numSegments must be an integer/);
    tf.dispose([x, s]);
  });
});
