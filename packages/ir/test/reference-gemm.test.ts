import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, type IntModel } from '@qatjs/ir';
import { addBias, addWeights, fromDeviations, q, runOne } from './reference-helpers.ts';

// Hand-computed gemm and matmul cases (power-of-two scales, so the .5 ties are exact).

describe('reference gemm', () => {
  /** x int8 [-1, 3] (s 0.5, z -1), int4 weights [3, 2] per column s_w = [0.5, 0.25], bias [1, -2], y (s 1, z 3). */
  function dense(clamp?: [number, number]): IntModel {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 3], q(0.5, -1));
    const wq = makeQuant({ scale: [0.5, 0.25], axis: 1, bits: 4 });
    // w[k][n]: k0 = [1, -8], k1 = [7, 2], k2 = [-3, 1]
    const w = addWeights(b, 'w', 'int4', [3, 2], [1, -8, 7, 2, -3, 1], wq);
    const bias = addBias(b, 'b', x, wq, [1, -2]);
    b.output(b.gemm(x, w, { bias, ...(clamp ? { clamp } : {}) }, { name: 'y', dtype: 'int8', quant: q(1, 3) }));
    return b.build();
  }
  // two rows (the -1 batch is 2): deviations row0 = [2, 1, 0], row1 = [4, 0, 6]
  const x = Int8Array.from(fromDeviations([2, 1, 0, 4, 0, 6], -1));

  it('computes b[n] + sum_k (x - z_x) w[k, n] and requantizes per column', () => {
    // row0: n0 = 2*1 + 1*7 + 0 = 9 (+1 = 10); n1 = 2*-8 + 1*2 + 0 = -14 (-2 = -16)
    // row1: n0 = 4*1 + 0 + 6*-3 = -14 (+1 = -13); n1 = 4*-8 + 0 + 6*1 = -26 (-2 = -28)
    // m0 = 0.5 * 0.5 / 1 = 0.25, m1 = 0.5 * 0.25 / 1 = 0.125
    // row0: 2.5 -> 2 (tie, even), -2; row1: -3.25 -> -3, -3.5 -> -4 (tie, even); + z_y 3: 5, 1, 0, -1
    expect(runOne(dense(), { x })).toEqual([5, 1, 0, -1]);
  });

  it('clamps the output codes', () => {
    expect(runOne(dense([1, 4]), { x })).toEqual([4, 1, 1, 1]);
  });

  it('works without a bias, on uint8 input and int2 per-tensor weights', () => {
    // x uint8 [1, 4] (s 0.25, z 128), deviations [3, -5, 1, 2]; w int2 [4, 1] = [1, -2, -1, 0], s_w 0.5
    // acc = 3 + 10 - 1 + 0 = 12; m = 0.25 * 0.5 / 0.5 = 0.25 -> 3; y uint8 z 10 -> 13
    const b = new ModelBuilder();
    const xv = b.input('x', 'uint8', [1, 4], q(0.25, 128));
    const w = addWeights(b, 'w', 'int2', [4, 1], [1, -2, -1, 0], q(0.5, 0, 2));
    b.output(b.gemm(xv, w, {}, { name: 'y', dtype: 'uint8', quant: q(0.5, 10) }));
    expect(runOne(b.build(), { x: Uint8Array.from(fromDeviations([3, -5, 1, 2], 128)) })).toEqual([13]);
  });
});

describe('reference matmul', () => {
  // a int8 [2, 3] (s 0.5, z 1), deviations [[1, 0, -1], [3, 2, 0]]
  // b uint8 [3, 2] (s 0.25, z 128), deviations [[1, 2], [0, -1], [3, 0]]
  // acc row0: n0 = 1 - 3 = -2, n1 = 2; row1: n0 = 3, n1 = 6 - 2 = 4
  // m = 0.5 * 0.25 / 0.25 = 0.5: -1, 1, 1.5 -> 2 (tie, even), 2; + z_y -5: -6, -4, -3, -3
  const a = Int8Array.from(fromDeviations([1, 0, -1, 3, 2, 0], 1));
  const bRows = [[1, 2], [0, -1], [3, 0]];

  function product(transposeB: boolean): IntModel {
    const b = new ModelBuilder();
    const av = b.input('a', 'int8', [2, 3], q(0.5, 1));
    const bv = b.input('b', 'uint8', transposeB ? [2, 3] : [3, 2], q(0.25, 128));
    b.output(b.matmul(av, bv, { transposeB }, { name: 'y', dtype: 'int8', quant: q(0.25, -5) }));
    return b.build();
  }

  it('multiplies two activations, each with its zero point', () => {
    const bCodes = Uint8Array.from(fromDeviations(bRows.flat(), 128));
    expect(runOne(product(false), { a, b: bCodes })).toEqual([-6, -4, -3, -3]);
  });

  it('reads b as [N, K] with transposeB', () => {
    const bT = Uint8Array.from(fromDeviations([0, 1].flatMap((n) => bRows.map((row) => row[n])), 128));
    expect(runOne(product(true), { a, b: bT })).toEqual([-6, -4, -3, -3]);
  });

  it('keeps the batches of leading dims apart (rank 3 with the run-time batch, rank 4 with transposeB)', () => {
    // batch 0: [1, 2] . [3, 4] = 11; batch 1: [-1, 5] . [2, -2] = -12 (mixing batches, [-1, 5] . [3, 4] = 17)
    const b3 = new ModelBuilder();
    const a3 = b3.input('a', 'int8', [-1, 1, 2], q(1));
    const bv3 = b3.input('b', 'int8', [-1, 2, 1], q(1));
    b3.output(b3.matmul(a3, bv3, {}, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b3.build(), { a: Int8Array.of(1, 2, -1, 5), b: Int8Array.of(3, 4, 2, -2) })).toEqual([11, -12]);

    const b4 = new ModelBuilder();
    const a4 = b4.input('a', 'int8', [1, 2, 1, 2], q(1));
    const bv4 = b4.input('b', 'int8', [1, 2, 1, 2], q(1));
    b4.output(b4.matmul(a4, bv4, { transposeB: true }, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b4.build(), { a: Int8Array.of(1, 2, -1, 5), b: Int8Array.of(3, 4, 2, -2) })).toEqual([11, -12]);
  });
});
