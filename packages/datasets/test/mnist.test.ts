import { describe, expect, it } from 'vitest';
import { loadMnist } from '@qatjs/datasets';
import { be32, countValues, errorOf, firstDifference, gunzippedFile, idxBytes, rawFile } from './helpers/files.ts';

const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const TRAIN_10K_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadMnist', () => {
  it('loads the test split: NHWC shape, label counts as published', async () => {
    const m = await loadMnist({ split: 'test' });
    expect(m.shape).toEqual([10000, 28, 28, 1]);
    expect(m.numClasses).toBe(10);
    expect(m.x).toBeInstanceOf(Float32Array);
    expect(m.y).toBeInstanceOf(Int32Array);
    expect(m.x.length).toBe(10000 * 784);
    expect(countValues(m.y, 10)).toEqual(TEST_COUNTS);
  });

  it('loads the shipped train split (first 10k): label counts as published', async () => {
    const m = await loadMnist({ split: 'train' });
    expect(m.shape).toEqual([10000, 28, 28, 1]);
    expect(countValues(m.y, 10)).toEqual(TRAIN_10K_COUNTS);
  });

  it('matches pixel and label checksums computed from the raw bytes with node:zlib', async () => {
    const m = await loadMnist({ split: 'train' });
    const img = gunzippedFile('mnist/train-images-idx3-ubyte.00000-09999.gz');
    const lab = gunzippedFile('mnist/train-labels-idx1-ubyte.00000-09999.gz');
    expect([be32(img, 4), be32(lab, 4)]).toEqual([10000, 10000]);
    let firstImageSum = 0;
    for (let i = 16; i < 16 + 784; i++) firstImageSum += img[i]!;
    let rawSum = 0;
    for (let i = 0; i < 784; i++) rawSum += m.raw[i]!;
    let scaledSum = 0;
    for (let i = 0; i < 784; i++) scaledSum += m.x[i]!;
    expect(rawSum).toBe(firstImageSum);
    expect(scaledSum * 255).toBeCloseTo(firstImageSum, 2);
    // All pixels, and a position-weighted sum that catches any reordering.
    let total = 0;
    let weighted = 0;
    for (let i = 16; i < img.length; i++) {
      total += img[i]!;
      weighted = (weighted * 31 + img[i]!) % 1_000_000_007;
    }
    let mTotal = 0;
    let mWeighted = 0;
    for (let i = 0; i < m.raw.length; i++) {
      mTotal += m.raw[i]!;
      mWeighted = (mWeighted * 31 + m.raw[i]!) % 1_000_000_007;
    }
    expect([mTotal, mWeighted]).toEqual([total, weighted]);
    expect(Array.from(m.y.subarray(0, 20))).toEqual(Array.from(lab.subarray(8, 28)));
    expect(Array.from(m.y.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]); // MNIST's well-known start
  });

  it('scales every pixel to [0, 1] as raw / 255', async () => {
    const m = await loadMnist({ split: 'test', limit: 50 });
    expect(firstDifference(m.x, Array.from(m.raw, (v) => Math.fround(v / 255)))).toBe(-1);
    expect([m.x.reduce((a, v) => Math.min(a, v)), m.x.reduce((a, v) => Math.max(a, v))]).toEqual([0, 1]);
  });

  it('keeps the first `limit` samples in file order, as a compact copy', async () => {
    const all = await loadMnist({ split: 'test' });
    const few = await loadMnist({ split: 'test', limit: 7 });
    expect(few.shape).toEqual([7, 28, 28, 1]);
    expect(few.y).toEqual(all.y.subarray(0, 7));
    expect(few.x).toEqual(all.x.subarray(0, 7 * 784));
    expect(few.raw.buffer.byteLength).toBe(7 * 784);
  });

  it('normalizes as asked: raw values, or standardized with mean and std', async () => {
    const raw = await loadMnist({ split: 'test', limit: 3, normalize: false });
    const std = await loadMnist({ split: 'test', limit: 3, normalize: { mean: 0.1307, std: 0.3081 } });
    expect(firstDifference(raw.x, raw.raw)).toBe(-1);
    expect(firstDifference(std.x, Array.from(raw.raw, (v) => Math.fround((v / 255 - 0.1307) / 0.3081)))).toBe(-1);
  });

  it('reads user-given IDX files (bytes, gzipped or not) instead of the shipped ones', async () => {
    const images = idxBytes([2, 2, 3], [0, 255, 0, 51, 0, 0, 1, 2, 3, 4, 5, 6]);
    const labels = idxBytes([2], [7, 3]);
    const m = await loadMnist({ split: 'test', images, labels });
    expect(m.shape).toEqual([2, 2, 3, 1]);
    expect(Array.from(m.y)).toEqual([7, 3]);
    expect(m.x[1]).toBe(1);
    expect(m.x[3]).toBe(Math.fround(0.2));
    const gz = await loadMnist({ split: 'test', images: rawFile('mnist/t10k-images-idx3-ubyte.gz'), labels: gunzippedFile('mnist/t10k-labels-idx1-ubyte.gz'), limit: 5 });
    expect(gz.shape).toEqual([5, 28, 28, 1]);
  });

  it('rejects bad options and bad labels with clear messages', async () => {
    expect(await errorOf(() => loadMnist({ split: 'validation' as never }))).toBe(
      "loadMnist: split must be 'train' or 'test', got \"validation\"",
    );
    expect(await errorOf(() => loadMnist({ split: 'test', limit: 20000 }))).toBe(
      'loadMnist: limit must be an integer in 1..10000, got 20000',
    );
    expect(await errorOf(() => loadMnist({ split: 'test', limit: 0 }))).toContain('limit must be an integer in 1..10000');
    expect(await errorOf(() => loadMnist({ split: 'test', shuffle: true } as never))).toContain("unknown option 'shuffle'");
    expect(await errorOf(() => loadMnist({ split: 'test', limit: 1, normalize: { mean: 0, std: 0 } }))).toContain('std > 0');
    const images = idxBytes([1, 1, 1], [9]);
    expect(await errorOf(() => loadMnist({ split: 'test', images, labels: idxBytes([1], [10]) }))).toBe(
      'loadMnist: label 10 of sample 0 is not a digit 0..9',
    );
    expect(await errorOf(() => loadMnist(undefined as never))).toContain('split must be');
  });
});
