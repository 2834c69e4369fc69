import { sigmoidFloat, tanhFloat } from '../../float-numerics.ts';
import { nodeAttrs } from '../../ops/attr-types.ts';
import { gateQuant } from '../../ops/recurrent.ts';
import { allocate, channelScale, quantOf, type ReferenceKernel } from '../tensor.ts';
import {
  accumulate, clampRound, codesOf, gateLimits, hiddenGrid, recurrentSizes, rowMultipliers, scaled, timeOf,
} from './recurrent.ts';

const f32 = Math.fround;

/** gru (ops/gru.ts): the step loop, element by element, exactly in the order the schema writes. */
export const gruReference: ReferenceKernel = ({ node, inputs: [x, w, u, biasX, biasH, h0], outputs: [yOut, hOut] }) => {
  const a = nodeAttrs(node, 'gru');
  const { batch, steps, inputSize: I, hidden: H } = recurrentSizes(node, x, u, a.maxSteps);
  const rows = 3 * H;
  const xq = quantOf(x);
  const gx = gateQuant(a.inputGateScales, a.inputGateBits);
  const gh = gateQuant(a.recurrentGateScales, a.recurrentGateBits);
  const lx = gateLimits(gx);
  const lh = gateLimits(gh);
  const hg = hiddenGrid(yOut);
  const mx = rowMultipliers(xq.scale[0], quantOf(w), gx, rows);
  const mh = rowMultipliers(hg.s, quantOf(u), gh, rows);
  const sx = Float32Array.from({ length: rows }, (_, n) => channelScale(gx, n));
  const sh = Float32Array.from({ length: rows }, (_, n) => channelScale(gh, n));
  const wc = codesOf(w);
  const uc = codesOf(u);
  const y = allocate(yOut);
  const hT = allocate(hOut);
  const ax = new Int32Array(rows);
  const ah = new Int32Array(rows);
  const vx = new Float32Array(rows);
  const vh = new Float32Array(rows);
  for (let b = 0; b < batch; b++) {
    const h = Float64Array.from({ length: H }, (_, j) => (h0 ? h0.data[b * H + j] : hg.z));
    for (let s = 0; s < steps; s++) {
      const t = timeOf(s, steps, a.reverse);
      accumulate(x.data, (b * steps + t) * I, xq.zeroPoint[0], wc, I, rows, biasX?.data, ax);
      accumulate(h, 0, hg.z, uc, H, rows, biasH?.data, ah);
      for (let n = 0; n < rows; n++) {
        vx[n] = f32(clampRound(scaled(ax[n], mx[n]), lx.lo, lx.hi) * sx[n]);
        vh[n] = f32(clampRound(scaled(ah[n], mh[n]), lh.lo, lh.hi) * sh[n]);
      }
      for (let j = 0; j < H; j++) {
        const z = sigmoidFloat(f32(vx[j] + vh[j]));
        const r = sigmoidFloat(f32(vx[H + j] + vh[H + j]));
        const nn = tanhFloat(f32(vx[2 * H + j] + f32(r * vh[2 * H + j])));
        const hNew = f32(f32(f32(1 - z) * nn) + f32(f32(z * (h[j] - hg.z)) * hg.s));
        h[j] = clampRound(f32(hNew / hg.s), hg.lo - hg.z, hg.hi - hg.z) + hg.z;
        y[(b * steps + t) * H + j] = h[j];
      }
    }
    hT.set(h, b * H);
  }
  return [y, hT];
};
