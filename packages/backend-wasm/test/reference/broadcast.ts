// numpy broadcasting in plain TypeScript, the reference of the broadcasting kernels, and the shape
// pairs their tests run.
export function shapeSize(s: readonly number[]): number {
  return s.reduce((p, d) => p * d, 1);
}

/** numpy broadcasting in plain TypeScript. */
export function broadcastRef(a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[], f: (x: number, y: number) => number): { data: number[]; shape: number[] } {
  const rank = Math.max(as.length, bs.length);
  const pa = [...Array(rank - as.length).fill(1), ...as];
  const pb = [...Array(rank - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => (d === 1 ? pb[i] : d));
  const out = new Array<number>(shapeSize(shape)).fill(0);
  const idx = new Array(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let r = i;
    for (let k = rank - 1; k >= 0; k--) { idx[k] = r % shape[k]; r = Math.floor(r / shape[k]); }
    let ia = 0; let ib = 0;
    for (let k = 0; k < rank; k++) { ia = ia * pa[k] + (pa[k] === 1 ? 0 : idx[k]); ib = ib * pb[k] + (pb[k] === 1 ? 0 : idx[k]); }
    out[i] = f(a[ia], b[ib]);
  }
  return { data: out, shape };
}

export const BROADCAST_CASES: [number[], number[]][] = [
  [[7], [7]], [[2, 3, 5], [2, 3, 5]], [[4, 9], [9]], [[4, 9], [4, 1]], [[1], [3, 5]], [[3, 1, 5], [1, 4, 1]],
  [[2, 3, 4, 5, 6], [3, 1, 5, 1]], [[2, 1, 3, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1]], [[0, 3], [3]], [[5, 17], [1, 17]], [[], [6]],
];

