import type { OpSchema } from './schema.ts';
import { attrInt, attrInts, input } from './schema.ts';
import {
  CLAMP, DILATIONS, PADS, STRIDES, WEIGHTED_INPUTS, INT_OUTPUT,
  checkWeightedOp, expectRank, expectStaticDims, windowOutput,
} from './common.ts';

/**
 * conv2d: x [N, H, W, Cin] (int8/uint8, scale s_x, zero point z_x), constant weights
 * w [KH, KW, Cin/G, Cout] (tfjs HWIO; int8/int4/int2; scale and zero point z_w per-tensor or
 * per-channel along axis 3, each zero point inside the weight grid), optional constant int32 bias b [Cout] (scale fround(s_x * s_w[o]), zero
 * point 0) -> y [N, Ho, Wo, Cout] (int8/uint8, scale s_y, zero point z_y).
 * attrs: strides [sh, sw], dilations [dh, dw], pads [top, left, bottom, right], groups G, clamp [lo, hi].
 *
 *   Ho = floor((H + top + bottom - (dh*(KH-1) + 1)) / sh) + 1, likewise Wo (shape.windowOutputSize)
 *   For output channel o, group g = floor(o / (Cout/G)), Cg = Cin/G:
 *   acc = b[o] + sum over i < KH, j < KW, c < Cg of
 *           (X(n, oh*sh - top + i*dh, ow*sw - left + j*dw, g*Cg + c) - z_x) * (w[i, j, c, o] - z_w[o])
 *   where X outside the image is z_x (padding is real zero, so it adds nothing);
 *   y[n, oh, ow, o] = requantize(acc, requantMultiplier(s_x, s_w[o], s_y), z_y, lo, hi)
 *
 * (s_w[o], z_w[o] are s_w[0], z_w[0] for per-tensor weights.) The accumulator provably fits int32
 * (checked with the largest |x - z_x| and |w - z_w| of the grids).
 */
export const conv2d: OpSchema = {
  op: 'conv2d',
  inputs: WEIGHTED_INPUTS,
  outputs: INT_OUTPUT,
  attrs: {
    strides: STRIDES,
    dilations: DILATIONS,
    pads: PADS,
    groups: { kind: 'int', min: 1, max: 2 ** 31 - 1, default: 1 },
    clamp: CLAMP,
  },
  infer(ctx) {
    expectRank(ctx, 0, 4, 'NHWC');
    expectRank(ctx, 1, 4, '[KH, KW, Cin/groups, Cout]');
    expectStaticDims(ctx, 0, [1, 2, 3], 'H, W and Cin');
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const [n, , , cin] = x.shape;
    const [kh, kw, cinG, cout] = w.shape;
    const groups = attrInt(ctx, 'groups');
    if (cin % groups !== 0 || cout % groups !== 0) {
      ctx.fail('attrs.groups', `${groups} groups must divide Cin ${cin} and Cout ${cout}`);
    }
    if (cinG * groups !== cin) {
      ctx.fail('inputs[1]', `weights '${w.name}' have ${cinG} input channels per group; x has ${cin} channels in ${groups} groups`);
    }
    const [ho, wo] = windowOutput(ctx, x, kh, kw, attrInts(ctx, 'dilations'));
    checkWeightedOp(ctx, 3, cout, kh * kw * cinG);
    return [{ shape: [n, ho, wo, cout] }];
  },
};
