/**
 * mulberry32 (Tommy Ettinger, 2017, public domain): one uint32 of state advanced by the Weyl
 * increment 0x6D2B79F5, each output mixed by two xor-shift-multiply rounds. Only 32-bit integer
 * arithmetic, so Node, Deno, Bun and browsers give the same sequence. The one copy in the
 * repository: @qatjs/datasets' Rng and the benchmarks draw from it too.
 */
export function seededUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Floats in [0, 1): seededUint32's draws / 2^32 (sampling text, say). */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed);
  return () => next() / 4294967296;
}
