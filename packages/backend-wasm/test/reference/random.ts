// Seeded test data (xorshift32), the same on every runtime and run.
export class Rand {
  #s: number;
  constructor(seed: number) {
    this.#s = (seed * 2654435761) >>> 0 || 1;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let s = this.#s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.#s = s >>> 0;
    return this.#s / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  int8s(n: number, lo = -128, hi = 127): Int8Array {
    return Int8Array.from({ length: n }, () => this.int(lo, hi));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
}
