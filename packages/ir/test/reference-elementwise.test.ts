import { describe, expect, it } from 'vitest';
import { ModelBuilder, runReference } from '@qatjs/ir';
import { f32, q, runOne } from './reference-helpers.ts';

// Hand-computed quantize, dequantize, add, reshape and flatten cases.

describe('reference quantize', () => {
  it('divides by the scale, rounds half to even, adds the zero point, clamps to the grid', () => {
    // s 0.5, z 3, int8: 0.25 / 0.5 = 0.5 -> 0 -> 3; 0.75 -> 1.5 -> 2 -> 5; -0.25 -> -0.5 -> 0 -> 3; 1 -> 2 -> 5;
    // 100 -> 200 + 3 -> 127; -100 -> -197 -> -128; NaN -> qmin; +-Infinity -> qmax / qmin
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [1, 9]);
    b.output(b.quantize(x, { name: 'y', dtype: 'int8', quant: q(0.5, 3) }));
    const input = Float32Array.of(0.25, 0.75, -0.25, 1, 100, -100, NaN, Infinity, -Infinity);
    expect(runOne(b.build(), { x: input })).toEqual([3, 5, 3, 5, 127, -128, -128, 127, -128]);
  });

  it('clamps to a narrower grid: uint8 with 4 bits is 0..15', () => {
    // s 0.25, z 8: 0.375 / 0.25 = 1.5 -> 2 -> 10; -1.5 -> -2 -> 6; 2 -> 8 -> 16 -> 15; -3 -> -12 -> -4 -> 0
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 2]);
    b.output(b.quantize(x, { name: 'y', dtype: 'uint8', quant: q(0.25, 8, 4) }));
    const out = runReference(b.build(), { x: Float32Array.of(0.375, -0.375, 2, -3) }).y;
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual([10, 6, 15, 0]);
  });
});

describe('reference dequantize', () => {
  it('computes fround((q - z) * s)', () => {
    // int8 s 0.5 z -3: (-128 + 3) * 0.5 = -62.5; 0; 1.5; 65
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [4], q(0.5, -3));
    b.output(b.dequantize(x, { name: 'y' }));
    const out = runReference(b.build(), { x: Int8Array.of(-128, -3, 0, 127) }).y;
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([-62.5, 0, 1.5, 65]);
  });

  it('uses the float32 scale of a uint8 value', () => {
    // s = fround(0.1), z 128: (130 - 128) * fround(0.1) and (0 - 128) * fround(0.1), each rounded to float32
    const b = new ModelBuilder();
    const x = b.input('x', 'uint8', [2], q(0.1, 128));
    b.output(b.dequantize(x, { name: 'y' }));
    expect(runOne(b.build(), { x: Uint8Array.of(130, 0) })).toEqual([f32(2 * f32(0.1)), f32(-128 * f32(0.1))]);
  });
});

describe('reference add', () => {
  // a int8 (s 0.5, z 2), b uint8 (s 0.25, z 128), y int8 (s 1, z -3): m_a = 0.5, m_b = 0.25
  //   a    b    (a - 2) * 0.5   (b - 128) * 0.25   v       round   + z_y
  //   5    130    1.5             0.5               2        2     -1
  //   3    128    0.5             0                 0.5      0     -3   (tie, even)
  //   2    134    0               1.5               1.5      2     -1   (tie, even)
  //   1    126   -0.5            -0.5              -1       -1     -4
  //   0    126   -1              -0.5              -1.5     -2     -5   (tie, even)
  //   6    130    2               0.5               2.5      2     -1   (tie, even)
  //   127  255   62.5            31.75             94.25    94     91
  //  -128  0    -65              -32               -97     -97   -100
  const a = Int8Array.of(5, 3, 2, 1, 0, 6, 127, -128);
  const bCodes = Uint8Array.of(130, 128, 134, 126, 126, 130, 255, 0);
  function sum(clamp?: [number, number]) {
    const b = new ModelBuilder();
    const av = b.input('a', 'int8', [2, 4], q(0.5, 2));
    const bv = b.input('b', 'uint8', [2, 4], q(0.25, 128));
    b.output(b.add(av, bv, clamp ? { clamp } : {}, { name: 'y', dtype: 'int8', quant: q(1, -3) }));
    return b.build();
  }

  it('rescales both inputs to the output scale, adds, rounds half to even', () => {
    expect(runOne(sum(), { a, b: bCodes })).toEqual([-1, -3, -1, -4, -5, -1, 91, -100]);
  });

  it('clamps (a fused ReLU [z_y, qmax])', () => {
    expect(runOne(sum([-3, 127]), { a, b: bCodes })).toEqual([-1, -3, -1, -3, -3, -1, 91, -3]);
  });
});

describe('reference reshape and flatten', () => {
  it('keep the elements in row-major order and the dtype, with the batch carried through', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 2, 3], q(0.1, 4));
    const r = b.reshape(x, [-1, 3, 1, 2], { name: 'r' });
    b.output(r, b.flatten(r, { name: 'f' }));
    const codes = Int8Array.from({ length: 12 }, (_, i) => i * 10 - 60);
    const out = runReference(b.build(), { x: codes });
    expect(out.r).toBeInstanceOf(Int8Array);
    expect(Array.from(out.r)).toEqual(Array.from(codes));
    expect(Array.from(out.f)).toEqual(Array.from(codes));
  });

  it('reshape a float32 value', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [2, 2]);
    b.output(b.reshape(x, [4], { name: 'y' }));
    expect(runOne(b.build(), { x: Float32Array.of(0.5, -1, NaN, 3) })).toEqual([0.5, -1, NaN, 3]);
  });
});
