/**
 * mulberry32 (Tommy Ettinger, 2017, public domain): a small seeded generator of floats in [0, 1),
 * the same sequence on every runtime. One copy for library code that needs reproducible draws
 * (sampling text, say); @qatjs/datasets' Rng runs the same algorithm.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
