import { describe, expect, it } from 'vitest';
import { DatasetError, randomTranslate, type Batch } from '@qatjs/datasets';

function batchOf(images: number[][], h: number, w: number): Batch {
  return { x: Float32Array.from(images.flat()), y: new Int32Array(images.length), shape: [images.length, h, w, 1], indices: new Int32Array(images.length) };
}

describe('randomTranslate', () => {
  it('shifts each image by whole pixels within maxShift, filling the border, and keeps y', () => {
    const img = Array.from({ length: 25 }, (_, i) => i + 1); // 5x5, all nonzero
    const b = batchOf([img, img, img, img, img, img, img, img], 5, 5);
    const out = randomTranslate(b, { maxShift: 2, seed: 3 });
    expect(out.y).toBe(b.y);
    expect(out.shape).toEqual(b.shape);
    const shifts = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const o = out.x.subarray(i * 25, (i + 1) * 25);
      // find the shift that explains the output
      let found = '';
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          let ok = true;
          for (let y = 0; y < 5 && ok; y++) {
            for (let x = 0; x < 5 && ok; x++) {
              const sy = y - dy;
              const sx = x - dx;
              const want = sy >= 0 && sy < 5 && sx >= 0 && sx < 5 ? img[sy * 5 + sx] : 0;
              ok = o[y * 5 + x] === want;
            }
          }
          if (ok) found = `${dy},${dx}`;
        }
      }
      expect(found).not.toBe('');
      shifts.add(found);
    }
    expect(shifts.size).toBeGreaterThan(1);
    expect(Array.from(randomTranslate(b, { maxShift: 2, seed: 3 }).x)).toEqual(Array.from(out.x)); // seeded
    expect(Array.from(randomTranslate(b, { maxShift: 0, seed: 9 }).x)).toEqual(Array.from(b.x));
  });

  it('rejects non-image batches and bad options', () => {
    const flat: Batch = { x: new Float32Array(4), y: new Int32Array(1), shape: [1, 4], indices: new Int32Array(1) };
    expect(() => randomTranslate(flat, { maxShift: 1, seed: 1 })).toThrow(DatasetError);
    expect(() => randomTranslate(flat, { maxShift: 1, seed: 1 })).toThrow(/expected a batch of NHWC images/);
    const b = batchOf([[1, 2, 3, 4]], 2, 2);
    expect(() => randomTranslate(b, { maxShift: -1, seed: 1 })).toThrow(/maxShift/);
    expect(() => randomTranslate(b, { maxShift: 1, seed: -1 })).toThrow(/seed must be an integer/);
  });
});
