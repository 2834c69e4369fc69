import { DatasetError, describeValue } from './errors.ts';
import type { Batch } from './batches.ts';
import { Rng, checkSeed } from './rng.ts';
import { checkInt } from './validate.ts';

/**
 * Data augmentation for NHWC image batches: each image shifted by a random whole number of pixels,
 * -maxShift..maxShift in each direction, filling the border with `fill` (0, the background). Seeded:
 * the same batch and seed give the same shifts on every runtime. Returns a new batch.
 */
export function randomTranslate(batch: Batch, options: { maxShift: number; seed: number; fill?: number }): Batch {
  if (batch === null || typeof batch !== 'object' || !(batch.x instanceof Float32Array) || !Array.isArray(batch.shape) || batch.shape.length !== 4) {
    throw new DatasetError(`randomTranslate: expected a batch of NHWC images { x, y, shape: [n, h, w, c] }, got ${describeValue(batch?.shape)}`);
  }
  const maxShift = checkInt('randomTranslate: maxShift', options?.maxShift, 0);
  const rng = new Rng(checkSeed(options.seed, 'randomTranslate'));
  const fill = options.fill ?? 0;
  const [n, h, w, c] = batch.shape as [number, number, number, number];
  if (batch.x.length !== n * h * w * c) throw new DatasetError(`randomTranslate: x has ${batch.x.length} values, shape [${batch.shape}] needs ${n * h * w * c}`);
  const out = new Float32Array(batch.x.length).fill(fill);
  const span = 2 * maxShift + 1;
  for (let i = 0; i < n; i++) {
    const dy = rng.int(span) - maxShift;
    const dx = rng.int(span) - maxShift;
    const base = i * h * w * c;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const src = base + ((y - dy) * w + Math.max(0, -dx)) * c;
      const dst = base + (y * w + Math.max(0, dx)) * c;
      out.set(batch.x.subarray(src, src + (w - Math.abs(dx)) * c), dst);
    }
  }
  return { ...batch, x: out };
}
