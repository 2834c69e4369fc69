import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { rng, useBackend } from '@qatjs/test-utils';
import { data } from './helpers/kernel-compare.ts';

// UnsortedSegmentSum: tfjs-backend-wasm has none, and tfjs's GatherV2 gradient (an Embedding's
// weight gradient) needs it. Ours must equal tfjs-backend-cpu's.
describe('UnsortedSegmentSum on wasm matches tfjs-backend-cpu', () => {
  const r = rng(7);
  const cases: Array<{ shape: number[]; ids: number[]; numSegments: number }> = [
    { shape: [6, 3], ids: [1, 1, 4, 0, 1, 4], numSegments: 5 },
    { shape: [4], ids: [0, 2, 2, 2], numSegments: 3 },
    { shape: [5, 2, 3], ids: [3, -1, 0, 9, 3], numSegments: 4 }, // ids outside [0, numSegments) add nothing
    { shape: [40, 16], ids: Array.from({ length: 40 }, () => Math.floor(r() * 11)), numSegments: 11 },
  ];
  cases.forEach((c, i) => {
    it(`x [${c.shape}] into ${c.numSegments} segments`, async () => {
      const run = async (backend: 'cpu' | 'wasm') => {
        await useBackend(backend);
        const x = tf.tensor(data(c.shape, 100 + i).values, c.shape);
        const s = tf.tensor1d(c.ids, 'int32');
        const out = tf.unsortedSegmentSum(x, s, c.numSegments);
        const v = Array.from(out.dataSync());
        tf.dispose([x, s, out]);
        return v;
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      expect(wasm.length).toBe(c.numSegments * c.shape.slice(1).reduce((p, d) => p * d, 1));
      for (let j = 0; j < cpu.length; j++) expect(Math.abs(wasm[j] - cpu[j])).toBeLessThanOrEqual(1e-6);
    });
  });
});
