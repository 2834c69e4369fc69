// A seeded random number generator that gives the same sequence on every JS runtime.
//
// Algorithm: mulberry32 (Tommy Ettinger, 2017), public domain, from @qatjs/ir's seededUint32: one
// uint32 of state (period 2^32), only 32-bit integer arithmetic, so Node, Deno, Bun and browsers
// agree bit for bit. Good enough for shuffling and sampling; not for cryptography, and with 32 bits
// of state it reaches at most 2^32 distinct shuffles.
import { seededUint32 } from '@qatjs/ir';
import { DatasetError, describeValue } from './errors.ts';

const UINT32 = 2 ** 32;

/** A seed must be an integer 0..2^32-1, so that two runtimes cannot read it differently. */
export function checkSeed(seed: unknown, who: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= UINT32) {
    throw new DatasetError(`${who}: seed must be an integer 0..4294967295, got ${describeValue(seed)}`);
  }
  return seed;
}

export class Rng {
  private readonly draw: () => number;

  constructor(seed: number) {
    this.draw = seededUint32(checkSeed(seed, 'Rng'));
  }

  /** The next uint32 (0..2^32-1). */
  nextUint32(): number {
    return this.draw();
  }

  /** A float in [0, 1): the next uint32 / 2^32. */
  next(): number {
    return this.nextUint32() / UINT32;
  }

  /** An integer uniform in [0, n), without modulo bias (rejection sampling). n in 1..2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > UINT32) {
      throw new DatasetError(`Rng.int: n must be an integer 1..2^32, got ${describeValue(n)}`);
    }
    const limit = UINT32 - (UINT32 % n); // the largest multiple of n that fits; reject draws above it
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }
}

/** murmur3's 32-bit finalizer: a bijective mix of all bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seed for sub-stream `stream` (an epoch number, say) of `seed`: fmix32(seed xor fmix32(stream +
 * golden-ratio constant)). Different streams of one seed give unrelated sequences.
 */
export function deriveSeed(seed: number, stream: number): number {
  checkSeed(seed, 'deriveSeed');
  if (!Number.isInteger(stream) || stream < 0 || stream >= UINT32) {
    throw new DatasetError(`deriveSeed: stream must be an integer 0..4294967295, got ${describeValue(stream)}`);
  }
  return fmix32((seed ^ fmix32((stream + 0x9e3779b9) >>> 0)) >>> 0);
}
