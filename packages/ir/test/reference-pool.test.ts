import { describe, expect, it } from 'vitest';
import { ModelBuilder, type Pads } from '@qatjs/ir';
import { fromDeviations, q, runOne } from './reference-helpers.ts';

// Hand-computed maxPool, avgPool and globalAvgPool cases on 3x3 images, 2x2 windows, stride 2.

describe('reference maxPool', () => {
  // int8 x (s 0.1, z -5):
  //   -9   4  -7
  //    7 -128 -6
  //    0   3   8
  const x = Int8Array.of(-9, 4, -7, 7, -128, -6, 0, 3, 8);
  function pool(clamp?: [number, number]) {
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [1, 3, 3, 1], q(0.1, -5));
    b.output(b.maxPool(xv, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], ...(clamp ? { clamp } : {}) }, { name: 'y' }));
    return b.build();
  }

  it('takes the max over in-image positions only: padding never wins', () => {
    // pads bottom/right 1: (0,0) max(-9, 4, 7, -128) = 7; (0,1) col 2 only: max(-7, -6) = -6
    // (a padded 0 or z_x = -5 would win there); (1,0) row 2 only: max(0, 3) = 3; (1,1) just 8
    expect(runOne(pool(), { x })).toEqual([7, -6, 3, 8]);
  });

  it('clamps after the max (a ReLU after the pool)', () => {
    expect(runOne(pool([-5, 5]), { x })).toEqual([5, -5, 3, 5]);
  });
});

describe('reference avgPool', () => {
  // uint8 x (s 0.5, z 100), deviations:
  //    1  2  4
  //    3 -1  5
  //    0  7 -7
  const x = Uint8Array.from(fromDeviations([1, 2, 4, 3, -1, 5, 0, 7, -7], 100));
  function pool(pads: Pads, yScale: number, clamp?: [number, number]) {
    const b = new ModelBuilder();
    const xv = b.input('x', 'uint8', [1, 3, 3, 1], q(0.5, 100));
    b.output(b.avgPool(xv, { kernel: [2, 2], strides: [2, 2], pads, ...(clamp ? { clamp } : {}) }, { name: 'y', dtype: 'uint8', quant: q(yScale, 100) }));
    return b.build();
  }

  it('averages over in-image positions only (count excludes padding), ties to even', () => {
    // pads bottom/right 1, m = 0.5 / 0.5 = 1:
    // (0,0) (1 + 2 + 3 - 1) / 4 = 1.25 -> 1; (0,1) (4 + 5) / 2 = 4.5 -> 4 (tie; with count 4 it would be 2.25 -> 2)
    // (1,0) (0 + 7) / 2 = 3.5 -> 4 (tie); (1,1) -7 / 1 = -7; + z_y 100
    expect(runOne(pool([0, 0, 1, 1], 0.5), { x })).toEqual([101, 104, 104, 93]);
  });

  it('pads before (top/left) as well, and divides before rescaling', () => {
    // pads top/left 1: (0,0) only (0,0): 1; (0,1) row 0, cols 1-2: (2 + 4) / 2 = 3
    // (1,0) rows 1-2, col 0: (3 + 0) / 2 = 1.5 -> 2; (1,1) (-1 + 5 + 7 - 7) / 4 = 1; + 100
    expect(runOne(pool([1, 1, 0, 0], 0.5), { x })).toEqual([101, 103, 102, 101]);
    // s_y = 1 -> m = 0.5, applied to the average: 1.25 * 0.5 = 0.625 -> 1; 4.5 * 0.5 = 2.25 -> 2;
    // 3.5 * 0.5 = 1.75 -> 2; -7 * 0.5 = -3.5 -> -4 (tie, even)
    expect(runOne(pool([0, 0, 1, 1], 1), { x })).toEqual([101, 102, 102, 96]);
  });

  it('clamps the output codes', () => {
    expect(runOne(pool([0, 0, 1, 1], 0.5, [100, 103]), { x })).toEqual([101, 103, 103, 100]);
  });
});

describe('reference globalAvgPool', () => {
  it('averages each channel of each batch item over H x W', () => {
    // int8 x [-1, 2, 2, 2] (s 0.5, z -3), batch 2; deviations per channel over the 4 positions:
    // n0 c0 [1, 2, 3, 4] = 10 / 4 = 2.5 -> 2 (tie); n0 c1 [-1, -1, -1, 0] = -3 / 4 = -0.75 -> -1
    // n1 c0 [5, 5, 5, 6] = 21 / 4 = 5.25 -> 5;      n1 c1 [1, 1, 1, 3] = 6 / 4 = 1.5 -> 2 (tie)
    // y (s 0.5, z 0): m = 1
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [-1, 2, 2, 2], q(0.5, -3));
    b.output(b.globalAvgPool(xv, {}, { name: 'y', dtype: 'int8', quant: q(0.5) }));
    const d = [1, -1, 2, -1, 3, -1, 4, 0, 5, 1, 5, 1, 5, 1, 6, 3];
    expect(runOne(b.build(), { x: Int8Array.from(fromDeviations(d, -3)) })).toEqual([2, -1, 5, 2]);
  });

  it('rescales by s_x / s_y and clamps', () => {
    // the same sums with s_y = 0.25 (m = 2): 2.5 * 2 = 5; -0.75 * 2 = -1.5 -> -2; 5.25 * 2 = 10.5 -> 10; 1.5 * 2 = 3
    // then clamp [-1, 9]
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [2, 2, 2, 2], q(0.5, -3));
    b.output(b.globalAvgPool(xv, { clamp: [-1, 9] }, { name: 'y', dtype: 'int8', quant: q(0.25) }));
    const d = [1, -1, 2, -1, 3, -1, 4, 0, 5, 1, 5, 1, 5, 1, 6, 3];
    expect(runOne(b.build(), { x: Int8Array.from(fromDeviations(d, -3)) })).toEqual([5, -1, 9, 3]);
  });
});
