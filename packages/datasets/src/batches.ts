import { DatasetError } from './errors.ts';
import { checkLabeledSet, sampleSize, type LabeledSet } from './labeled-set.ts';
import { checkSeed, deriveSeed } from './rng.ts';
import { shuffledIndices } from './shuffle.ts';
import { checkInt, checkOptions } from './validate.ts';

/** One mini-batch: `shape` is [b, ...sampleShape]; `indices` says which samples of the set it holds. */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  shape: number[];
  indices: Int32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle with this seed (see shuffledIndices); without a seed the samples come in order. */
  seed?: number;
  /** Epoch number: each epoch of one seed gets its own order, from deriveSeed(seed, epoch). Default 0. */
  epoch?: number;
  /** Drop the last batch when it has fewer than batchSize samples (default false: keep it). */
  dropLast?: boolean;
}

/** How many batches one epoch of n samples gives. */
export function batchCount(n: number, batchSize: number, dropLast = false): number {
  checkInt('batchCount: n', n, 0);
  checkInt('batchCount: batchSize', batchSize, 1);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * The mini-batches of one epoch, copied out of the data set. With a seed the order is a seeded
 * permutation, identical on every runtime; every sample appears exactly once per epoch (except those
 * of a dropped last partial batch). Options are checked at the call, not at the first batch.
 */
export function batches(data: LabeledSet, options: BatchOptions): IterableIterator<Batch> {
  const opts = checkOptions<BatchOptions>('batches', options, ['batchSize', 'seed', 'epoch', 'dropLast']);
  checkLabeledSet(data, 'batches');
  const batchSize = checkInt('batches: batchSize', opts.batchSize, 1);
  const epoch = checkInt('batches: epoch', opts.epoch ?? 0, 0, 2 ** 32 - 1);
  if (opts.seed === undefined && opts.epoch !== undefined) {
    throw new DatasetError('batches: epoch has no effect without a seed; pass a seed to shuffle');
  }
  const n = data.shape[0]!;
  let order: Int32Array;
  if (opts.seed === undefined) {
    order = Int32Array.from({ length: n }, (_, i) => i);
  } else {
    order = shuffledIndices(n, deriveSeed(checkSeed(opts.seed, 'batches'), epoch));
  }
  return iterate(data, order, batchSize, batchCount(n, batchSize, opts.dropLast ?? false));
}

function* iterate(data: LabeledSet, order: Int32Array, batchSize: number, count: number): Generator<Batch> {
  const size = sampleSize(data.shape);
  for (let b = 0; b < count; b++) {
    const indices = order.slice(b * batchSize, (b + 1) * batchSize);
    const x = new Float32Array(indices.length * size);
    const y = new Int32Array(indices.length);
    indices.forEach((i, k) => {
      x.set(data.x.subarray(i * size, (i + 1) * size), k * size);
      y[k] = data.y[i]!;
    });
    yield { x, y, shape: [indices.length, ...data.shape.slice(1)], indices };
  }
}
