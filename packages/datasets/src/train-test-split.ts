import { DatasetError } from './errors.ts';
import { checkLabeledSet, subset, type LabeledSet } from './labeled-set.ts';
import { checkSeed } from './rng.ts';
import { shuffledIndices } from './shuffle.ts';
import { checkFraction, checkOptions } from './validate.ts';

export interface TrainTestSplitOptions {
  /** The share of samples in the test set, in (0, 1); the test set has ceil(testFraction * N). */
  testFraction: number;
  seed: number;
  /** Keep each class's share the same in both sets (default false). */
  stratify?: boolean;
}

export interface TrainTestSplit {
  train: LabeledSet;
  test: LabeledSet;
  /** Which samples of the input went where, in the order they appear in train and test. */
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Splits a data set at random, as sklearn's train_test_split: ceil(testFraction * N) test samples
 * (the first of a seeded permutation) and the rest for training, both in shuffled order. With
 * `stratify`, each class gives floor(testFraction * n_c) test samples, plus one for the classes with
 * the largest remainders until the total is ceil(testFraction * N).
 */
export function trainTestSplit(data: LabeledSet, options: TrainTestSplitOptions): TrainTestSplit {
  const opts = checkOptions<TrainTestSplitOptions>('trainTestSplit', options, ['testFraction', 'seed', 'stratify']);
  checkLabeledSet(data, 'trainTestSplit');
  const fraction = checkFraction('trainTestSplit: testFraction', opts.testFraction);
  const n = data.shape[0]!;
  const nTest = Math.ceil(fraction * n - 1e-9); // the epsilon keeps 0.3 * 10 = 3.0000000000000004 at 3
  if (nTest >= n) {
    throw new DatasetError(`trainTestSplit: testFraction ${fraction} of ${n} samples leaves none for training`);
  }
  const order = shuffledIndices(n, checkSeed(opts.seed, 'trainTestSplit'));
  const quota = opts.stratify ? stratifiedQuota(data, fraction, nTest) : undefined;
  const testIdx: number[] = [];
  const trainIdx: number[] = [];
  for (const i of order) {
    const c = data.y[i]!;
    const toTest = quota ? quota[c]! > 0 : testIdx.length < nTest;
    if (toTest) {
      testIdx.push(i);
      if (quota) quota[c]!--;
    } else {
      trainIdx.push(i);
    }
  }
  const trainIndices = Int32Array.from(trainIdx);
  const testIndices = Int32Array.from(testIdx);
  return { train: subset(data, trainIndices), test: subset(data, testIndices), trainIndices, testIndices };
}

/** Test samples per class: floor shares, then +1 by largest remainder (ties: lower class) up to total. */
function stratifiedQuota(data: LabeledSet, fraction: number, total: number): number[] {
  const counts = new Array<number>(data.numClasses).fill(0);
  for (const c of data.y) counts[c]!++;
  const quota = counts.map((k) => Math.floor(fraction * k));
  const byRemainder = counts
    .map((k, c) => ({ c, rem: fraction * k - quota[c]! }))
    .filter(({ c }) => quota[c]! < counts[c]!)
    .sort((a, b) => b.rem - a.rem || a.c - b.c);
  let missing = total - quota.reduce((a, q) => a + q, 0);
  for (const { c } of byRemainder) {
    if (missing <= 0) break;
    quota[c]!++;
    missing--;
  }
  return quota;
}
