import { describe, expect, it } from 'vitest';
import { loadIdxClassification, loadMnist } from '@qatjs/datasets';
import { errorOf, idxBytes } from './helpers/files.ts';

describe('loadIdxClassification', () => {
  it('reads the image size from the images and the class count from the labels', async () => {
    const images = idxBytes([3, 2, 3], Array.from({ length: 18 }, (_, i) => i * 10));
    const labels = idxBytes([3], [0, 12, 5]);
    const s = await loadIdxClassification({ images, labels });
    expect(s.shape).toEqual([3, 2, 3, 1]);
    expect(s.numClasses).toBe(13);
    expect(Array.from(s.y)).toEqual([0, 12, 5]);
    expect(s.x[1]).toBe(Math.fround(10 / 255));
    const limited = await loadIdxClassification({ images, labels, limit: 1, numClasses: 4 });
    expect(limited.numClasses).toBe(4);
    expect(limited.shape).toEqual([1, 2, 3, 1]);
  });

  it('refuses missing files and labels past numClasses, never filling in shipped data', async () => {
    const images = idxBytes([2, 1, 1], [1, 2]);
    const labels = idxBytes([2], [0, 3]);
    expect(await errorOf(() => loadIdxClassification({ images } as never))).toBe('loadIdxClassification: labels is required (the label IDX file)');
    expect(await errorOf(() => loadIdxClassification({ labels } as never))).toBe('loadIdxClassification: images is required (the image IDX file)');
    expect(await errorOf(() => loadIdxClassification({ images, labels, numClasses: 3 }))).toBe('loadIdxClassification: label 3 is not below numClasses 3');
    expect(await errorOf(() => loadIdxClassification({ images, labels: idxBytes([2], [0, 0]) }))).toContain('needs at least 2 classes');
  });

  it('loadMnist refuses images without labels (and labels without images) instead of pairing them with shipped ones', async () => {
    const images = idxBytes([1, 1, 1], [9]);
    expect(await errorOf(() => loadMnist({ split: 'test', images }))).toBe(
      'loadMnist: images given without labels; give both IDX files (the shipped MNIST labels are never paired with yours)',
    );
    expect(await errorOf(() => loadMnist({ labels: idxBytes([1], [1]) }))).toContain('labels given without images');
    const own = await loadMnist({ images, labels: idxBytes([1], [4]) });
    expect(Array.from(own.y)).toEqual([4]);
  });
});
