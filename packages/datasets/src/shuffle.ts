import { checkSeed, Rng } from './rng.ts';
import { checkInt } from './validate.ts';

/**
 * A permutation of 0..n-1 from a seed: Fisher-Yates (Durstenfeld's in-place form, i from n-1 down
 * to 1 swaps with j uniform in 0..i) driven by Rng (mulberry32). The same on every runtime.
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  checkInt('shuffledIndices: n', n, 0, 2 ** 31 - 1);
  const rng = new Rng(checkSeed(seed, 'shuffledIndices'));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
