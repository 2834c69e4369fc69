import { describe, expect, it } from 'vitest';
import {
  batchCount,
  batches,
  deriveSeed,
  firstKPerClass,
  loadDigits,
  loadMnist,
  Rng,
  shuffledIndices,
  subset,
  trainTestSplit,
  type LabeledSet,
} from '@qatjs/datasets';
import { countValues, errorOf } from './helpers/files.ts';

// Golden values from an independent Python implementation of mulberry32, the rejection-sampled
// integer draw, Fisher-Yates and deriveSeed (as documented in src/rng.ts). Every runtime must agree.
describe('seeded RNG and shuffling', () => {
  it('produces the documented mulberry32 sequence on this runtime', () => {
    const r = new Rng(42);
    expect([0, 1, 2, 3, 4].map(() => r.nextUint32())).toEqual([2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
    const z = new Rng(0);
    expect(z.next()).toBe(1144304738 / 2 ** 32);
    expect([deriveSeed(7, 0), deriveSeed(7, 1)]).toEqual([654565011, 709402517]);
    expect(Array.from(shuffledIndices(10, 42))).toEqual([1, 3, 9, 5, 2, 8, 4, 0, 7, 6]);
  });

  it('gives a permutation of 0..n-1, the same for a seed and different for another seed', () => {
    const a = shuffledIndices(1000, 123);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(1000, 123)).toEqual(a);
    expect(shuffledIndices(1000, 124)).not.toEqual(a);
    expect(shuffledIndices(0, 1).length).toBe(0);
  });

  it('draws integers in range, reaching every value', () => {
    const r = new Rng(9);
    const seen = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i++) seen[r.int(7)]!++;
    for (const s of seen) expect(s).toBeGreaterThan(800); // ~1000 each
    expect(r.int(1)).toBe(0);
  });

  it('rejects bad seeds and sizes', async () => {
    expect(await errorOf(() => shuffledIndices(5, 1.5))).toBe('shuffledIndices: seed must be an integer 0..4294967295, got 1.5');
    expect(await errorOf(() => shuffledIndices(5, 2 ** 32))).toContain('seed must be an integer');
    expect(await errorOf(() => shuffledIndices(-1, 0))).toContain('shuffledIndices: n must be an integer');
    expect(await errorOf(() => new Rng(0).int(0))).toContain('Rng.int: n must be an integer 1..2^32');
  });
});

describe('batches', () => {
  it('with a seed: the same batches for the same seed and epoch, every sample once per epoch', async () => {
    const d = await loadDigits();
    const run = (epoch: number) => [...batches(d, { batchSize: 128, seed: 5, epoch })];
    const e0 = run(0);
    expect(run(0)).toEqual(e0);
    const e2 = run(2);
    expect(Array.from(e2[0]!.indices.subarray(0, 10))).toEqual([201, 22, 493, 1203, 1173, 720, 916, 751, 1261, 535]);
    expect(e2[0]!.indices).not.toEqual(e0[0]!.indices);
    for (const epoch of [e0, e2]) {
      expect(epoch.length).toBe(Math.ceil(1797 / 128));
      expect(epoch.map((b) => b.shape[0])).toEqual([...new Array<number>(14).fill(128), 1797 - 14 * 128]);
      const all = epoch.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 1797 }, (_, i) => i));
    }
    for (const b of e0.slice(0, 3)) {
      b.indices.forEach((i, k) => {
        expect(b.y[k]).toBe(d.y[i]);
        expect(b.x.subarray(k * 64, k * 64 + 64)).toEqual(d.x.subarray(i * 64, i * 64 + 64));
      });
    }
  });

  it('keeps the image shape and drops the last partial batch on request', async () => {
    const m = await loadMnist({ split: 'test', limit: 250 });
    const kept = [...batches(m, { batchSize: 100, seed: 1 })];
    const dropped = [...batches(m, { batchSize: 100, seed: 1, dropLast: true })];
    expect(kept.map((b) => b.shape)).toEqual([[100, 28, 28, 1], [100, 28, 28, 1], [50, 28, 28, 1]]);
    expect(dropped.map((b) => b.shape[0])).toEqual([100, 100]);
    expect(dropped[1]).toEqual(kept[1]);
    expect(batchCount(250, 100)).toBe(3);
    expect(batchCount(250, 100, true)).toBe(2);
  });

  it('without a seed: the samples in order', () => {
    const d: LabeledSet = { x: Float32Array.from([0, 1, 2, 3, 4]), y: Int32Array.from([0, 1, 0, 1, 0]), shape: [5, 1], numClasses: 2 };
    const bs = [...batches(d, { batchSize: 2 })];
    expect(bs.map((b) => Array.from(b.x))).toEqual([[0, 1], [2, 3], [4]]);
    expect(bs.map((b) => Array.from(b.y))).toEqual([[0, 1], [0, 1], [0]]);
  });

  it('rejects bad options and inconsistent data sets when called', async () => {
    const d: LabeledSet = { x: new Float32Array(6), y: new Int32Array(3), shape: [3, 2], numClasses: 2 };
    expect(await errorOf(() => batches(d, { batchSize: 0 }))).toBe('batches: batchSize must be an integer >= 1, got 0');
    expect(await errorOf(() => batches(d, { batchSize: 2, epoch: 1 }))).toContain('epoch has no effect without a seed');
    expect(await errorOf(() => batches(d, { batchSize: 2, seed: 'a' as never }))).toContain('seed must be an integer');
    expect(await errorOf(() => batches({ ...d, shape: [4, 2] }, { batchSize: 2 }))).toBe('batches: x has 6 elements but shape [4, 2] needs 8');
    expect(await errorOf(() => batches({ ...d, y: Int32Array.from([0, 2, 0]) }, { batchSize: 2 }))).toBe(
      'batches: label 2 at sample 1 is outside 0..1',
    );
    expect(await errorOf(() => batches({ ...d, x: [0, 0, 0, 0, 0, 0] as never }, { batchSize: 2 }))).toContain('x must be a Float32Array');
  });
});

describe('trainTestSplit, firstKPerClass, subset', () => {
  it('splits into disjoint sets covering all samples, ceil(fraction * N) for test, deterministically', async () => {
    const d = await loadDigits();
    const s = trainTestSplit(d, { testFraction: 0.2, seed: 7 });
    expect(s.test.shape).toEqual([360, 64]); // ceil(0.2 * 1797) = ceil(359.4)
    expect(s.train.shape).toEqual([1437, 64]);
    const all = [...s.trainIndices, ...s.testIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1797 }, (_, i) => i));
    expect(trainTestSplit(d, { testFraction: 0.2, seed: 7 }).testIndices).toEqual(s.testIndices);
    s.testIndices.forEach((i, k) => expect(s.test.y[k]).toBe(d.y[i]));
    const tiny: LabeledSet = { x: new Float32Array(10), y: new Int32Array(10), shape: [10, 1], numClasses: 1 };
    expect(trainTestSplit(tiny, { testFraction: 0.3, seed: 1 }).test.shape[0]).toBe(3);
  });

  it('stratifies: each class keeps its share (largest remainder to reach the total)', async () => {
    const d = await loadDigits();
    const s = trainTestSplit(d, { testFraction: 0.2, seed: 7, stratify: true });
    const counts = countValues(d.y, 10);
    const testCounts = countValues(s.test.y, 10);
    expect(s.test.shape[0]).toBe(360);
    testCounts.forEach((t, c) => expect(Math.abs(t - 0.2 * counts[c]!)).toBeLessThan(1));
    expect(countValues(s.train.y, 10).map((t, c) => t + testCounts[c]!)).toEqual(counts);
  });

  it('takes the first k samples of every class in original order', async () => {
    const m = await loadMnist({ split: 'test' });
    const cal = firstKPerClass(m, 3);
    expect(cal.shape).toEqual([30, 28, 28, 1]);
    expect(countValues(cal.y, 10)).toEqual(new Array(10).fill(3));
    const expected: number[] = [];
    const taken = new Array<number>(10).fill(0);
    for (let i = 0; expected.length < 30; i++) if (taken[m.y[i]!]!++ < 3) expected.push(i);
    expect(cal).toEqual(subset(m, expected));
    expect(cal.raw!.subarray(0, 784)).toEqual(m.raw.subarray(expected[0]! * 784, expected[0]! * 784 + 784));
  });

  it('rejects impossible requests', async () => {
    const d: LabeledSet = { x: new Float32Array(4), y: Int32Array.from([0, 0, 1, 0]), shape: [4, 1], numClasses: 2 };
    expect(await errorOf(() => firstKPerClass(d, 2))).toBe('firstKPerClass: class 1 has only 1 samples, 2 requested');
    expect(await errorOf(() => trainTestSplit(d, { testFraction: 0, seed: 1 }))).toContain('testFraction must be a number strictly between 0 and 1');
    expect(await errorOf(() => trainTestSplit(d, { testFraction: 0.9, seed: 1 }))).toBe(
      'trainTestSplit: testFraction 0.9 of 4 samples leaves none for training',
    );
    expect(await errorOf(() => subset(d, [0, 4]))).toBe('subset: index 4 at position 1 is outside 0..3');
  });
});
