import { requantMultiplier, requantize } from '../../numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { allocate, channelScale, channelZeroPoint, nhwcIndex, weightedOperands, type ReferenceKernel } from '../tensor.ts';
import { windowTaps } from './window.ts';

/**
 * conv2d (ops/conv2d.ts), grouped, strided, dilated, padded; weights HWIO [KH, KW, Cin/G, Cout]:
 *   acc = b[o] + sum over i, j, c < Cg of (X(n, oh*sh - top + i*dh, ow*sw - left + j*dw, g*Cg + c) - z_x) * (w[i, j, c, o] - z_w[o])
 *   y[n, oh, ow, o] = requantize(acc, requantMultiplier(s_x, s_w[o], s_y), z_y, lo, hi)
 * with X outside the image = z_x, so padded taps add nothing and are skipped.
 */
export const conv2dReference: ReferenceKernel = ({ node, inputs: [x, w, b], outputs: [out] }) => {
  const { strides, dilations, pads, groups, clamp: [lo, hi] } = nodeAttrs(node, 'conv2d');
  const [batch, height, width] = x.shape;
  const [kh, kw, cg, cout] = w.shape;
  const [, ho, wo] = out.shape;
  const { xq, wq, yq, codes } = weightedOperands(x, w, out);
  const zx = xq.zeroPoint[0];
  const outPerGroup = cout / groups;
  const y = allocate(out);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const taps = windowTaps(height, width, { kernel: [kh, kw], strides, dilations, pads }, oh, ow);
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / outPerGroup);
          const zw = channelZeroPoint(wq, o);
          let acc = b === undefined ? 0 : b.data[o];
          for (const { i, j, ih, iw } of taps) {
            const xAt = nhwcIndex(x.shape, n, ih, iw, g * cg); // x[n, ih, iw, g*Cg + c] is x.data[xAt + c]
            const wAt = (i * kw + j) * cg * cout + o; // w[i, j, c, o] is codes[wAt + c*Cout]
            for (let c = 0; c < cg; c++) acc += (x.data[xAt + c] - zx) * (codes[wAt + c * cout] - zw);
          }
          const m = requantMultiplier(xq.scale[0], channelScale(wq, o), yq.scale[0]);
          y[nhwcIndex(out.shape, n, oh, ow, o)] = requantize(acc, m, yq.zeroPoint[0], lo, hi);
        }
      }
    }
  }
  return [y];
};
