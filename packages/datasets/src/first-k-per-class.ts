import { DatasetError } from './errors.ts';
import { checkLabeledSet, subset, type LabeledSet } from './labeled-set.ts';
import { checkInt } from './validate.ts';

/**
 * The first k samples of every class, in their original order: a small, balanced, reproducible
 * subset, e.g. a calibration set for post-training quantization. Every class must have k samples.
 */
export function firstKPerClass(data: LabeledSet, k: number): LabeledSet {
  checkLabeledSet(data, 'firstKPerClass');
  checkInt('firstKPerClass: k', k, 1);
  const taken = new Array<number>(data.numClasses).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < data.y.length && picked.length < k * data.numClasses; i++) {
    const c = data.y[i]!;
    if (taken[c]! < k) {
      taken[c]!++;
      picked.push(i);
    }
  }
  const short = taken.findIndex((t) => t < k);
  if (short >= 0) {
    throw new DatasetError(`firstKPerClass: class ${short} has only ${taken[short]} samples, ${k} requested`);
  }
  return subset(data, picked);
}
