import { describe, expect, it } from 'vitest';
import { IntModelError, ModelBuilder, broadcastShapes, decodeModel, encodeModel, mulQuantized, runReference, validateModel } from '@qatjs/ir';
import { f32, q, runOne } from './reference-helpers.ts';
import { expectModelError, mutableCopy } from './helpers.ts';

// add and mul: quantized and float32 forms, numpy broadcasting (static and run-time dims), and the
// validation of each form.

describe('reference mul (quantized)', () => {
  // a int8 (s 0.5, z 1), b uint8 (s 0.25, z 128), y int8 (s 0.25, z -2): m = 0.5 * 0.25 / 0.25 = 0.5
  //   a     b     (a - 1)(b - 128)   * 0.5     round   + z_y   clamp
  //   2     129    1                  0.5       0       -2
  //   4     129    3                  1.5       2        0      (tie, even)
  //   6     129    5                  2.5       2        0      (tie, even)
  //   0     131   -3                 -1.5      -2       -4      (tie, even)
  //   1     0      0                  0         0       -2
  //   127   255    16002              8001      8001     -      127
  //  -128   255   -16383             -8191.5   -8192     -     -128
  //   3     124   -8                 -4        -4       -6
  const a = Int8Array.of(2, 4, 6, 0, 1, 127, -128, 3);
  const bCodes = Uint8Array.of(129, 129, 129, 131, 0, 255, 255, 124);
  function product(clamp?: [number, number]) {
    const b = new ModelBuilder();
    const av = b.input('a', 'int8', [2, 4], q(0.5, 1));
    const bv = b.input('b', 'uint8', [2, 4], q(0.25, 128));
    b.output(b.mul(av, bv, clamp ? { clamp } : {}, { name: 'y', dtype: 'int8', quant: q(0.25, -2) }));
    return b.build();
  }

  it('multiplies the deviations, requantizes once, rounds half to even, clips to the grid', () => {
    expect(runOne(product(), { a, b: bCodes })).toEqual([-2, 0, 0, -4, -2, 127, -128, -6]);
    expect(mulQuantized(4, 1, 0.5, 129, 128, 0.25, 0.25, -2, -128, 127)).toBe(0);
  });

  it('clamps (a fused ReLU [z_y, qmax])', () => {
    expect(runOne(product([-2, 127]), { a, b: bCodes })).toEqual([-2, 0, 0, -2, -2, 127, -2, -2]);
  });

  it('round-trips through the file', () => {
    const model = product();
    expect(runOne(decodeModel(encodeModel(model)), { a, b: bCodes })).toEqual(runOne(model, { a, b: bCodes }));
  });
});

describe('broadcasting', () => {
  it('follows numpy: right-aligned, 1 stretches, a run-time size matches itself or 1', () => {
    expect(broadcastShapes([2, 1, 3], [2, 1])).toEqual([2, 2, 3]);
    expect(broadcastShapes([3], [4, 1])).toEqual([4, 3]);
    expect(broadcastShapes([-1, -2, 3], [3])).toEqual([-1, -2, 3]);
    expect(broadcastShapes([-1, -2, 3], [-2, 1])).toEqual([-1, -2, 3]);
    expect(broadcastShapes([-1, 1, 3], [-2, 3])).toEqual([-1, -2, 3]);
    expect(broadcastShapes([-2], [1])).toEqual([-2]);
    expect(typeof broadcastShapes([-2], [4])).toBe('string');
    expect(typeof broadcastShapes([-1, -2, 3], [-3, 3])).toBe('string');
    expect(typeof broadcastShapes([2, 3], [3, 3])).toBe('string');
    expect(() => broadcastShapes([2, 0], [2])).toThrow(IntModelError);
    expect(() => broadcastShapes('x' as never, [2])).toThrow(IntModelError);
  });

  it('quantized add of [2, 1, 3] and [2, 1] gives [2, 2, 3]', () => {
    // scales 1, zero points 0: y[i, j, k] = a[i, 0, k] + b[j, 0]
    const b = new ModelBuilder();
    const av = b.input('a', 'int8', [2, 1, 3], q(1));
    const bv = b.input('b', 'int8', [2, 1], q(1));
    const y = b.add(av, bv, {}, { name: 'y', dtype: 'int8', quant: q(1) });
    expect(b.info(y).shape).toEqual([2, 2, 3]);
    b.output(y);
    const out = runOne(b.build(), { a: Int8Array.of(1, 2, 3, 4, 5, 6), b: Int8Array.of(10, 20) });
    expect(out).toEqual([11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]);
  });

  it('float mul of [-1, -2, 3] by [3] and by [-2, 1] with run-time sizes', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, -2, 3]);
    const s = b.input('s', 'float32', [3]);
    const g = b.input('g', 'float32', [-2, 1]);
    const y = b.mul(b.mul(x, s), g, {}, { name: 'y' });
    expect(b.info(y)).toMatchObject({ dtype: 'float32', shape: [-1, -2, 3] });
    b.output(y);
    const model = b.build();
    const out = runReference(model, {
      x: { data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), shape: [2, 2, 3] },
      s: Float32Array.of(1, 0.5, -1),
      g: { data: Float32Array.of(2, 3), shape: [2, 1] },
    }).y;
    expect(Array.from(out)).toEqual([2, 2, -6, 12, 7.5, -18, 14, 8, -18, 30, 16.5, -36]);
  });
});

describe('reference add and mul (float32)', () => {
  it('round once to float32', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [4]);
    const y = b.input('y', 'float32', [4]);
    b.output(b.add(x, y, {}, { name: 's' }), b.mul(x, y, {}, { name: 'p' }));
    const model = b.build();
    expect(model.nodes.map((n) => n.attrs)).toEqual([{}, {}]);
    // 2^24 + 1 is a tie between 2^24 and 2^24 + 2: even is 2^24
    const out = runReference(model, { x: Float32Array.of(0.1, 2 ** 24, 3, -0), y: Float32Array.of(0.2, 1, f32(1 / 3), 0) });
    expect(Array.from(out.s)).toEqual([f32(f32(0.1) + f32(0.2)), 2 ** 24, f32(3 + f32(1 / 3)), 0]);
    expect(Object.is(out.s[3], 0)).toBe(true);
    expect(Array.from(out.p)).toEqual([f32(f32(0.1) * f32(0.2)), 2 ** 24, 1, -0]);
    expect(Object.is(out.p[3], -0)).toBe(true);
  });
});

describe('add / mul validation', () => {
  function floatAdd() {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 3]);
    b.output(b.add(x, x, {}, { name: 'y' }));
    return b.build();
  }

  it('rejects a clamp on a float32 add and a missing clamp on a quantized one', () => {
    const m = mutableCopy(floatAdd());
    m.nodes[0].attrs.clamp = [-128, 127];
    expectModelError(() => validateModel(m), 'nodes[0].attrs.clamp', /float32 add has no clamp/);
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 3]);
    expectModelError(() => b.mul(x, x, { clamp: [0, 1] }), 'nodes[0].attrs.clamp', /float32 mul has no clamp/);
    const i = b.input('i', 'int8', [-1, 3], q(1));
    const model = (() => {
      const bb = new ModelBuilder();
      const ii = bb.input('i', 'int8', [-1, 3], q(1));
      bb.output(bb.add(ii, ii, {}, { name: 'y', dtype: 'int8', quant: q(1) }));
      return bb.build();
    })();
    const noClamp = mutableCopy(model);
    delete noClamp.nodes[0].attrs.clamp;
    expectModelError(() => validateModel(noClamp), 'nodes[0].attrs.clamp', /quantized add needs attribute clamp/);
    expectModelError(() => b.add(x, i, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs', /both quantized \(codes\) or both float32/);
    expectModelError(() => b.add(i, i), 'nodes[0].outputs[0]', /add needs the dtype \(and quant\)/);
    expectModelError(() => b.add(i, i, { clamp: [-128, 127] }, { dtype: 'float32' }), 'nodes[0].outputs[0]', /quantized add gives codes/);
    expectModelError(() => b.add(x, x, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].outputs[0]', /float32 add gives float32/);
  });

  it('rejects shapes that do not broadcast', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, -2, 3]);
    const z = b.input('z', 'float32', [-3, 3]);
    const w = b.input('w', 'float32', [2, 3]);
    expectModelError(() => b.add(x, z), 'nodes[0].inputs', /\[-1, -2, 3\] and b \[-3, 3\] do not broadcast/);
    expectModelError(() => b.mul(x, w), 'nodes[0].inputs', /do not broadcast: dim -2 of a and dim 2 of b/);
    const m = mutableCopy(floatAdd());
    m.values[1].shape = [-1, 1];
    expectModelError(() => validateModel(m), 'nodes[0].outputs[0]', /declared \[-1, 1\] but add gives \[-1, 3\]/);
  });
});
