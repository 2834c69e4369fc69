import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, type IntModel } from '@qatjs/ir';
import { addBias, addWeights, fromDeviations, q, runOne } from './reference-helpers.ts';

// Hand-computed conv2d and depthwiseConv2d cases. Scales are powers of two so every product is exact
// and the .5 ties are real ties.

/**
 * 3x3x1 int8 x (s 0.5, z 1), 2x2 weights with 2 output channels, per-channel s_w = [0.25, 0.125],
 * bias [2, 1], y int8 (s 0.25, z -2).
 */
function twoChannelConv(dtype: 'int8' | 'int4', clamp?: [number, number]): IntModel {
  const b = new ModelBuilder();
  const x = b.input('x', 'int8', [1, 3, 3, 1], q(0.5, 1));
  const wq = makeQuant({ scale: [0.25, 0.125], axis: 3, bits: dtype === 'int4' ? 4 : 8 });
  // HWIO [2, 2, 1, 2]: channel 0 taps (tl, tr, bl, br) = (1, 2, 3, -1); channel 1 = (0, 0, -1, 0)
  const w = addWeights(b, 'w', dtype, [2, 2, 1, 2], [1, 0, 2, 0, 3, -1, -1, 0], wq);
  const bias = addBias(b, 'b', x, wq, [2, 1]);
  b.output(b.conv2d(x, w, { bias, ...(clamp ? { clamp } : {}) }, { name: 'y', dtype: 'int8', quant: q(0.25, -2) }));
  return b.build();
}

// x codes 1..9 are deviations d = x - 1:   0 1 2 / 3 4 5 / 6 7 8
const X_3X3 = Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);

describe('reference conv2d', () => {
  it('accumulates, adds the bias, requantizes per output channel and rounds .5 ties to even', () => {
    // windows (tl, tr, bl, br) of d: (0,0) 0 1 3 4; (0,1) 1 2 4 5; (1,0) 3 4 6 7; (1,1) 4 5 7 8
    // ch0: tl + 2tr + 3bl - br = 7, 12, 22, 27; + bias 2 = 9, 14, 24, 29
    //      m0 = 0.5 * 0.25 / 0.25 = 0.5: 4.5 -> 4 (tie, even), 7, 12, 14.5 -> 14 (tie, even); + z_y -2: 2, 5, 10, 12
    // ch1: -bl = -3, -4, -6, -7; + bias 1 = -2, -3, -5, -6
    //      m1 = 0.5 * 0.125 / 0.25 = 0.25: -0.5 -> 0 (tie), -0.75 -> -1, -1.25 -> -1, -1.5 -> -2 (tie); + z_y: -2, -3, -3, -4
    expect(runOne(twoChannelConv('int8'), { x: X_3X3 })).toEqual([2, -2, 5, -3, 10, -3, 12, -4]);
  });

  it('reads packed int4 weights (the same codes give the same outputs)', () => {
    expect(runOne(twoChannelConv('int4'), { x: X_3X3 })).toEqual([2, -2, 5, -3, 10, -3, 12, -4]);
  });

  it('clamps to a fused ReLU [z_y, qmax] and a ReLU6-like [z_y, hi]', () => {
    // the codes above with everything below z_y = -2 raised to -2; then also capped at 9
    expect(runOne(twoChannelConv('int8', [-2, 127]), { x: X_3X3 })).toEqual([2, -2, 5, -2, 10, -2, 12, -2]);
    expect(runOne(twoChannelConv('int4', [-2, 9]), { x: X_3X3 })).toEqual([2, -2, 5, -2, 9, -2, 9, -2]);
  });

  it('treats padding as the zero point (it adds nothing), with strides', () => {
    // 4x4 x with z_x = 10, d = 1..16 row-major; 3x3 weights of ones; pads 1 all round; strides 2 -> 2x2
    // (0,0): rows 0-1, cols 0-1 in the image: 1 + 2 + 5 + 6 = 14
    // (0,1): rows 0-1, cols 1-3: 2 + 3 + 4 + 6 + 7 + 8 = 30
    // (1,0): rows 1-3, cols 0-1: 5 + 6 + 9 + 10 + 13 + 14 = 57
    // (1,1): rows 1-3, cols 1-3: 6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16 = 99
    // m = 1 * 1 / 1, z_y = 0. (Padding read as code 0 would add (0 - 10) per padded tap: 14 - 50 at (0,0).)
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 4, 4, 1], q(1, 10));
    const w = addWeights(b, 'w', 'int8', [3, 3, 1, 1], new Array(9).fill(1), q(1));
    b.output(b.conv2d(x, w, { pads: [1, 1, 1, 1], strides: [2, 2] }, { name: 'y', dtype: 'int8', quant: q(1) }));
    const d = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(runOne(b.build(), { x: Int8Array.from(fromDeviations(d, 10)) })).toEqual([14, 30, 57, 99]);
  });

  it('dilates the taps and uses separate strides for height and width', () => {
    // 5x5 x, z_x = -3, d[r][c] = 5r + c; 2x2 ones dilated by 2 = the four corners of a 3x3 patch;
    // strides [2, 1]: Ho = floor((5 - 3) / 2) + 1 = 2 (rows 0 and 2), Wo = 3
    // sum = d[r][c] + d[r][c+2] + d[r+2][c] + d[r+2][c+2] = 4(5r + c) + 24: r=0: 24 28 32; r=2: 64 68 72
    // m = 0.5 * 0.5 / 1 = 0.25: 6 7 8 16 17 18
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 5, 5, 1], q(0.5, -3));
    const w = addWeights(b, 'w', 'int8', [2, 2, 1, 1], [1, 1, 1, 1], q(0.5));
    b.output(b.conv2d(x, w, { dilations: [2, 2], strides: [2, 1] }, { name: 'y', dtype: 'int8', quant: q(1) }));
    const d = Array.from({ length: 25 }, (_, i) => i);
    expect(runOne(b.build(), { x: Int8Array.from(fromDeviations(d, -3)) })).toEqual([6, 7, 8, 16, 17, 18]);
  });

  it('splits channels into groups', () => {
    // 1x1 image, x = [1, 2, 3, 4] (z 0), groups 2, w [1, 1, 2, 4]: outputs 0-1 read inputs 0-1, outputs 2-3 read inputs 2-3
    // w[c][o]: c0 = [1, 0, 10, 0], c1 = [0, 1, 0, 10]
    // acc: o0 = 1*1 = 1; o1 = 2*1 = 2; o2 = 3*10 = 30; o3 = 4*10 = 40 (without groups o2 = 10, o3 = 20)
    // per-channel s_w = [1, 0.5, 0.25, 0.125], s_x = s_y = 1: 1, 1, 7.5 -> 8 (tie, even), 5
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 1, 1, 4], q(1));
    const wq = makeQuant({ scale: [1, 0.5, 0.25, 0.125], axis: 3 });
    const w = addWeights(b, 'w', 'int8', [1, 1, 2, 4], [1, 0, 10, 0, 0, 1, 0, 10], wq);
    b.output(b.conv2d(x, w, { groups: 2 }, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b.build(), { x: Int8Array.of(1, 2, 3, 4) })).toEqual([1, 1, 8, 5]);
  });
});

describe('reference depthwiseConv2d', () => {
  it('applies a channel multiplier with int2 weights, per-input-channel scales and a uint8 zero point', () => {
    // x uint8 [1, 2, 2, 2], s 0.5, z 128; deviations per pixel (tl, tr, bl, br): ch0 = 2 1 3 0, ch1 = -8 0 -2 4
    // w int2 [2, 2, 2, 2] (KH, KW, C, M), output o = c*2 + m:
    //   (c0, m0) taps 1 1 1 1 -> 2 + 1 + 3 + 0 = 6      (c0, m1) taps -2 0 0 1 -> -4 + 0 = -4
    //   (c1, m0) taps 1 1 1 1 -> -8 + 0 - 2 + 4 = -6    (c1, m1) taps -1 0 0 -2 -> 8 - 8 = 0
    // bias [1, 1, 0, 3] -> acc 7, -3, -6, 3
    // s_w per input channel [0.5, 0.25], s_y 0.5: m(c0) = 0.5, m(c1) = 0.25
    //   7 * 0.5 = 3.5 -> 4; -3 * 0.5 = -1.5 -> -2; -6 * 0.25 = -1.5 -> -2; 3 * 0.25 = 0.75 -> 1; + z_y 100
    const b = new ModelBuilder();
    const x = b.input('x', 'uint8', [1, 2, 2, 2], q(0.5, 128));
    const wq = makeQuant({ scale: [0.5, 0.25], axis: 2, bits: 2 });
    // element order ((i * 2 + j) * 2 + c) * 2 + m
    const taps: Record<string, number[]> = { c0m0: [1, 1, 1, 1], c0m1: [-2, 0, 0, 1], c1m0: [1, 1, 1, 1], c1m1: [-1, 0, 0, -2] };
    const codes = [0, 1, 2, 3].flatMap((t) => [taps.c0m0[t], taps.c0m1[t], taps.c1m0[t], taps.c1m1[t]]);
    const w = addWeights(b, 'w', 'int2', [2, 2, 2, 2], codes, wq);
    const bias = addBias(b, 'b', x, wq, [1, 1, 0, 3]);
    b.output(b.depthwiseConv2d(x, w, { bias }, { name: 'y', dtype: 'uint8', quant: q(0.5, 100) }));
    const d = [2, -8, 1, 0, 3, -2, 0, 4];
    expect(runOne(b.build(), { x: Uint8Array.from(fromDeviations(d, 128)) })).toEqual([104, 98, 98, 101]);
  });

  it('pads with the zero point: each output counts only its in-image taps', () => {
    // 3x3 x all d = 1 (z_x 5), 3x3 weights of ones, pads 1: corners see 4 taps, edges 6, the centre 9
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 3, 3, 1], q(1, 5));
    const w = addWeights(b, 'w', 'int8', [3, 3, 1, 1], new Array(9).fill(1), q(1));
    b.output(b.depthwiseConv2d(x, w, { pads: [1, 1, 1, 1] }, { name: 'y', dtype: 'int8', quant: q(1) }));
    expect(runOne(b.build(), { x: new Int8Array(9).fill(6) })).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });
});
