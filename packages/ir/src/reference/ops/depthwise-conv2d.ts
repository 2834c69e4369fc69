import { requantMultiplier, requantize } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { allocate, channelScale, channelZeroPoint, nhwcIndex, weightedOperands, type ReferenceKernel } from '../tensor.ts';
import { windowTaps } from './window.ts';

/**
 * depthwiseConv2d (ops/depthwise-conv2d.ts); weights [KH, KW, C, M], output channel o = c*M + m
 * reads input channel c only; weight scales are per INPUT channel c:
 *   acc = b[o] + sum over i, j of (X(n, oh*sh - top + i*dh, ow*sw - left + j*dw, c) - z_x) * (w[i, j, c, m] - z_w[c])
 *   y[n, oh, ow, o] = requantize(acc, requantMultiplier(s_x, s_w[c], s_y), z_y, lo, hi)
 * with X outside the image = z_x, so padded taps add nothing and are skipped.
 */
export const depthwiseConv2dReference: ReferenceKernel = ({ node, inputs: [x, w, b], outputs: [out] }) => {
  const { strides, dilations, pads, clamp: [lo, hi] } = nodeAttrs(node, 'depthwiseConv2d');
  const [batch, height, width, channels] = x.shape;
  const [kh, kw, , multiplier] = w.shape;
  const [, ho, wo] = out.shape;
  const { xq, wq, yq, codes } = weightedOperands(x, w, out);
  const zx = xq.zeroPoint[0];
  const wAt = (i: number, j: number, c: number, m: number) => codes[((i * kw + j) * channels + c) * multiplier + m];
  const y = allocate(out);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const taps = windowTaps(height, width, { kernel: [kh, kw], strides, dilations, pads }, oh, ow);
        for (let c = 0; c < channels; c++) {
          for (let m = 0; m < multiplier; m++) {
            const o = c * multiplier + m;
            const zw = channelZeroPoint(wq, c);
            let acc = b === undefined ? 0 : b.data[o];
            for (const { i, j, ih, iw } of taps) acc += (x.data[nhwcIndex(x.shape, n, ih, iw, c)] - zx) * (wAt(i, j, c, m) - zw);
            const mult = requantMultiplier(xq.scale[0], channelScale(wq, c), yq.scale[0]);
            y[nhwcIndex(out.shape, n, oh, ow, o)] = requantize(acc, mult, yq.zeroPoint[0], lo, hi);
          }
        }
      }
    }
  }
  return [y];
};
