import { describe, expect, it } from 'vitest';
import { ModelBuilder, decodeModel, encodeModel, makeQuant, packCodes, validateModel } from '@qatjs/ir';
import { addBias, addWeights, q, runOne } from './reference-helpers.ts';
import { expectModelError, mutableCopy } from './helpers.ts';

// Weights with nonzero zero points: acc = b + sum (x - z_x)(w - z_w[c]). Random cases against the
// float64 conv are in reference-crosscheck.test.ts; these are by hand.

describe('asymmetric weights', () => {
  // x int8 [2, 3] (s 0.5, z 1): codes [[3, 1, 0], [2, -1, 4]], deviations [[2, 0, -1], [1, -2, 3]]
  // w int8 [3, 2] per column: s [0.25, 0.5], z [2, -1]; codes [[3, -1], [2, 0], [0, 1]]
  //   deviations: column 0 [1, 0, -2], column 1 [0, 1, 2]
  // acc = [[2 + 0 + 2, 0 + 0 - 2], [1 + 0 - 6, 0 - 2 + 6]] = [[4, -2], [-5, 4]]
  // y s 0.25 z 0: m = [0.5 * 0.25 / 0.25, 0.5 * 0.5 / 0.25] = [0.5, 1]
  //   [[2, -2], [-2.5 -> -2 (tie, even), 4]]; with bias [1, -1]: [[2.5 -> 2, -3], [-2, 3]]
  function dense(bias?: number[]) {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 3], q(0.5, 1));
    const wq = makeQuant({ scale: [0.25, 0.5], zeroPoint: [2, -1], axis: 1 });
    const w = addWeights(b, 'w', 'int8', [3, 2], [3, -1, 2, 0, 0, 1], wq);
    const bv = bias ? addBias(b, 'b', x, wq, bias) : undefined;
    b.output(b.gemm(x, w, bv ? { bias: bv } : {}, { name: 'y', dtype: 'int8', quant: q(0.25) }));
    return b.build();
  }
  const x = Int8Array.of(3, 1, 0, 2, -1, 4);

  it('gemm subtracts the zero point of each weight column', () => {
    expect(runOne(dense(), { x })).toEqual([2, -2, -2, 4]);
    expect(runOne(dense([1, -1]), { x })).toEqual([2, -3, -2, 3]);
    expect(runOne(decodeModel(encodeModel(dense([1, -1]))), { x })).toEqual([2, -3, -2, 3]);
  });

  it('packed int4 weights with a per-tensor zero point', () => {
    // w int4 [2, 1] codes [7, -8], z 3: deviations [4, -11]; x [1, 1] (z 0): acc = -7; scales 1: y = -7
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [1, 2], q(1));
    const w = b.constant({ name: 'w', dtype: 'int4', shape: [2, 1], quant: makeQuant({ scale: 1, zeroPoint: 3, bits: 4 }), data: packCodes('int4', [7, -8]) });
    b.output(b.gemm(xv, w, {}, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b.build(), { x: Int8Array.of(1, 1) })).toEqual([-7]);
  });

  it('conv2d and depthwiseConv2d subtract the zero point of each channel', () => {
    // x [1, 1, 2, 1] codes [1, 2] (z 0); 1x2 kernel. conv2d w [1, 2, 1, 2] codes [[1, 1], [2, -1]] (o fastest),
    // z [1, -1]: deviations o0 [0, 1], o1 [2, 0]: acc = [0 + 2, 2 + 0] = [2, 2]
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [1, 1, 2, 1], q(1));
    const w = addWeights(b, 'w', 'int8', [1, 2, 1, 2], [1, 1, 2, -1], makeQuant({ scale: [1, 1], zeroPoint: [1, -1], axis: 3 }));
    b.output(b.conv2d(xv, w, {}, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b.build(), { x: Int8Array.of(1, 2) })).toEqual([2, 2]);
    // depthwise x [1, 1, 2, 2] codes [1, 2, 3, 4] (pixel-major), w [1, 2, 2, 1] codes [5, 0, 6, 1], z per channel [5, -1]:
    // channel 0 taps (1, 3) x (0, 1) = 3; channel 1 taps (2, 4) x (1, 2) = 10
    const d = new ModelBuilder();
    const dx = d.input('x', 'int8', [1, 1, 2, 2], q(1));
    const dw = addWeights(d, 'w', 'int8', [1, 2, 2, 1], [5, 0, 6, 1], makeQuant({ scale: [1, 1], zeroPoint: [5, -1], axis: 2 }));
    d.output(d.depthwiseConv2d(dx, dw, {}, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(d.build(), { x: Int8Array.of(1, 2, 3, 4) })).toEqual([3, 10]);
  });

  it('rejects a weight zero point outside the weight grid, and bounds the accumulator with |w - z_w|', () => {
    const m = mutableCopy(dense());
    m.constants[0].quant.zeroPoint[1] = 128;
    expectModelError(() => validateModel(m), 'constants[0].quant.zeroPoint[1]', /128 is outside the 8-bit int8 grid/);
    const b = new ModelBuilder();
    expectModelError(
      () => b.constant({ name: 'w4', dtype: 'int4', shape: [1, 1], quant: makeQuant({ scale: 1, zeroPoint: 8, bits: 4 }), data: packCodes('int4', [0]) }),
      'constants[0].quant.zeroPoint[0]', /8 is outside the 4-bit int4 grid -8\.\.7/,
    );
    expectModelError(
      () => b.constant({ name: 'w2', dtype: 'int2', shape: [1, 1], quant: makeQuant({ scale: 1, zeroPoint: -3, bits: 2 }), data: packCodes('int2', [0]) }),
      'constants[0].quant.zeroPoint[0]', /-3 is outside the 2-bit int2 grid -2\.\.1/,
    );
    // K = 70000: 70000 * 128 * 128 fits int32, but with z_w = -128 a weight deviates up to 255: 70000 * 128 * 255 does not
    const depth = 70000;
    const wide = (zeroPoint: number) => {
      const g = new ModelBuilder();
      const xv = g.input('x', 'int8', [1, depth], q(1));
      const w = g.constant({ name: 'w', dtype: 'int8', shape: [depth, 1], quant: makeQuant({ scale: 1, zeroPoint }), data: new Int8Array(depth) });
      return () => g.gemm(xv, w, {}, { dtype: 'int8', quant: q(1) });
    };
    expect(wide(0)).not.toThrow();
    expectModelError(wide(-128), 'nodes[0].inputs', /int32 accumulator could overflow: 70000 products of up to 128 x 255/);
  });

  it('per-channel zero points follow the output-channel axis rule', () => {
    const b = new ModelBuilder();
    const xv = b.input('x', 'int8', [1, 2], q(1));
    const w = addWeights(b, 'w', 'int8', [2, 2], [0, 0, 0, 0], makeQuant({ scale: [1, 1], zeroPoint: [1, 2], axis: 0 }));
    expectModelError(() => b.gemm(xv, w, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs[1]', /must use axis 1, got axis 0/);
  });
});

describe('gemm over any rank', () => {
  it('treats x [..., K] as rows, with run-time leading dims', () => {
    const build = (shape: number[]) => {
      const b = new ModelBuilder();
      const xv = b.input('x', 'int8', shape, q(0.5, 1));
      const wq = makeQuant({ scale: [0.25, 0.5], zeroPoint: [2, -1], axis: 1 });
      const w = addWeights(b, 'w', 'int8', [3, 2], [3, -1, 2, 0, 0, 1], wq);
      const y = b.gemm(xv, w, {}, { name: 'y', dtype: 'int8', quant: q(0.25) });
      b.output(y);
      return { model: b.build(), shape: b.info(y).shape };
    };
    const x6 = Int8Array.of(3, 1, 0, 2, -1, 4, 3, 1, 0, 2, -1, 4);
    const rank3 = build([2, 2, 3]);
    expect(rank3.shape).toEqual([2, 2, 2]);
    expect(runOne(rank3.model, { x: x6 })).toEqual([2, -2, -2, 4, 2, -2, -2, 4]);
    const dyn = build([-1, -2, 1, 3]);
    expect(dyn.shape).toEqual([-1, -2, 1, 2]);
    expect(runOne(dyn.model, { x: { data: x6, shape: [1, 4, 1, 3] } })).toEqual([2, -2, -2, 4, 2, -2, -2, 4]);
    const b = new ModelBuilder();
    const v = b.input('v', 'int8', [3], q(1));
    const w = addWeights(b, 'w', 'int8', [3, 1], [1, 1, 1], q(1));
    expectModelError(() => b.gemm(v, w, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs[0]', /rank >= 2 \[\.\.\., K\]/);
    const s = b.input('s', 'int8', [2, -2], q(1));
    expectModelError(() => b.gemm(s, w, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs[1]', /have K = 3; x 's' has K = -2/);
  });
});
