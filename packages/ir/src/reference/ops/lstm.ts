import { sigmoidFloat, tanhFloat } from '../../float-numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { gateQuant } from '../../ops/recurrent.ts';
import { allocate, channelScale, quantOf, type ReferenceKernel } from '../tensor.ts';
import {
  accumulate, clampRound, codesOf, gateLimits, hiddenGrid, recurrentSizes, rowMultipliers, scaled, timeOf,
} from './recurrent.ts';

const f32 = Math.fround;

/** lstm (ops/lstm.ts): the step loop, element by element, exactly in the order the schema writes. */
export const lstmReference: ReferenceKernel = ({ node, inputs: [x, w, u, bias, h0, c0], outputs: [yOut, hOut, cOut] }) => {
  const a = nodeAttrs(node, 'lstm');
  const { batch, steps, inputSize: I, hidden: H } = recurrentSizes(node, x, u, a.maxSteps);
  const rows = 4 * H;
  const xq = quantOf(x);
  const g = gateQuant(a.gateScales, a.gateBits);
  const gl = gateLimits(g);
  const hg = hiddenGrid(yOut);
  const sc = quantOf(cOut).scale[0];
  const cl = gateLimits(quantOf(cOut));
  const mx = rowMultipliers(xq.scale[0], quantOf(w), g, rows);
  const mh = rowMultipliers(hg.s, quantOf(u), g, rows);
  const sg = Float32Array.from({ length: rows }, (_, n) => channelScale(g, n));
  const wc = codesOf(w);
  const uc = codesOf(u);
  const y = allocate(yOut);
  const hT = allocate(hOut);
  const cT = allocate(cOut);
  const ax = new Int32Array(rows);
  const ah = new Int32Array(rows);
  const v = new Float32Array(rows);
  for (let b = 0; b < batch; b++) {
    const h = Float64Array.from({ length: H }, (_, j) => (h0 ? h0.data[b * H + j] : hg.z));
    const c = Float64Array.from({ length: H }, (_, j) => (c0 ? c0.data[b * H + j] : 0));
    for (let s = 0; s < steps; s++) {
      const t = timeOf(s, steps, a.reverse);
      accumulate(x.data, (b * steps + t) * I, xq.zeroPoint[0], wc, I, rows, bias?.data, ax);
      accumulate(h, 0, hg.z, uc, H, rows, undefined, ah);
      for (let n = 0; n < rows; n++) {
        const code = clampRound(f32(scaled(ax[n], mx[n]) + scaled(ah[n], mh[n])), gl.lo, gl.hi);
        v[n] = f32(code * sg[n]);
      }
      for (let j = 0; j < H; j++) {
        const i = sigmoidFloat(v[j]);
        const f = sigmoidFloat(v[H + j]);
        const gg = tanhFloat(v[2 * H + j]);
        const o = sigmoidFloat(v[3 * H + j]);
        const cNew = f32(f32(f * f32(c[j] * sc)) + f32(i * gg));
        c[j] = clampRound(f32(cNew / sc), cl.lo, cl.hi);
        const hNew = f32(o * tanhFloat(f32(c[j] * sc)));
        h[j] = clampRound(f32(hNew / hg.s), hg.lo - hg.z, hg.hi - hg.z) + hg.z;
        y[(b * steps + t) * H + j] = h[j];
      }
    }
    hT.set(h, b * H);
    cT.set(c, b * H);
  }
  return [y, hT, cT];
};
