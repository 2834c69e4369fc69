import type { OpSchema } from './schema.ts';
import { attrInts, input } from './schema.ts';
import {
  CLAMP, DILATIONS, PADS, STRIDES, WEIGHTED_INPUTS, INT_OUTPUT,
  checkWeightedOp, expectRank, expectStaticDims, windowOutput,
} from './common.ts';

/**
 * depthwiseConv2d: x [N, H, W, C] (int8/uint8), constant weights w [KH, KW, C, M] (tfjs layout,
 * M = channel multiplier; int8/int4/int2; scale and zero point z_w per-tensor or per-channel along
 * axis 2, i.e. one per INPUT channel, zero points inside the weight grid), optional int32 bias b [C*M] -> y [N, Ho, Wo, C*M].
 * attrs: strides, dilations, pads [top, left, bottom, right], clamp [lo, hi]. Output channel
 * o = c*M + m (tfjs order) reads only input channel c:
 *
 *   acc = b[o] + sum over i < KH, j < KW of (X(n, oh*sh - top + i*dh, ow*sw - left + j*dw, c) - z_x) * (w[i, j, c, m] - z_w[c])
 *   y[n, oh, ow, o] = requantize(acc, requantMultiplier(s_x, s_w[c], s_y), z_y, lo, hi)
 *
 * with X outside the image = z_x, Ho/Wo as conv2d, and the bias scale fround(s_x * s_w[c]) at index o.
 */
export const depthwiseConv2d: OpSchema = {
  op: 'depthwiseConv2d',
  inputs: WEIGHTED_INPUTS,
  outputs: INT_OUTPUT,
  attrs: { strides: STRIDES, dilations: DILATIONS, pads: PADS, clamp: CLAMP },
  infer(ctx) {
    expectRank(ctx, 0, 4, 'NHWC');
    expectRank(ctx, 1, 4, '[KH, KW, C, multiplier]');
    expectStaticDims(ctx, 0, [1, 2, 3], 'H, W and C');
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const [n, , , c] = x.shape;
    const [kh, kw, wc, m] = w.shape;
    if (wc !== c) ctx.fail('inputs[1]', `weights '${w.name}' have ${wc} channels; x has ${c}`);
    const [ho, wo] = windowOutput(ctx, x, kh, kw, attrInts(ctx, 'dilations'));
    checkWeightedOp(ctx, 2, c * m, kh * kw);
    return [{ shape: [n, ho, wo, c * m] }];
  },
};
