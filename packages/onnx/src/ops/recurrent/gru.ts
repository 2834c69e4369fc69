import { codeRange, gateQuant, nodeAttrs, roundHalfEven, type Node, type QuantParams } from '@qatjs/ir';
import type { ExportContext } from '../../context.ts';
import { DataType } from '../../proto/types.ts';
import {
  accumulate, columns, eightBit, floatConst, gateSlices, gridBounds, int64Const, multipliers, onGrid, quantizeHidden,
  scaled, sequenceOutput, staticSteps, stepOf, weightCodes, zeroPointConst,
} from './step-ops.ts';

/** vh of a step with h = z_h everywhere (no h0): the IR's formula on biasH alone (zeros without it), per gate row. */
function initialRecurrentGates(ctx: ExportContext, biasH: string | undefined, mh: Float32Array, g: QuantParams): Float32Array {
  const out = new Float32Array(mh.length);
  if (biasH === undefined) return out;
  const b = ctx.constant(biasH).data;
  const r = codeRange(g.bits, true);
  for (let n = 0; n < mh.length; n++) {
    const code = Math.min(r.qmax, Math.max(r.qmin, roundHalfEven(Math.fround(Math.fround(b[n]) * mh[n]))));
    out[n] = Math.fround(code * g.scale[g.scale.length === 1 ? 0 : n]);
  }
  return out;
}

/**
 * gru ("reset after"), unrolled: one step subgraph per time step, exactly the IR op's step
 * (packages/ir/src/ops/gru.ts), gate order z, r, n:
 *   vx = fround(clamp(round(fround(fround(x·W + biasX) * mx))) * s_px)   once for all steps; Gather step t
 *   vh = fround(clamp(round(fround(fround(h·U + biasH) * mh))) * s_ph)   MatMulInteger, Add, Cast, Mul, Round, Clip, Mul
 *   z = Sigmoid(vx_z + vh_z); r = Sigmoid(vx_r + vh_r); nn = Tanh(vx_n + fround(r * vh_n))
 *   h = QuantizeLinear(fround(fround(fround(1 - z) * nn) + fround(fround(z * (h - z_h)) * s_h)), s_h, z_h)
 * Without h0 the first step's vh is a constant (biasH alone) and its z·(h - z_h) term is zero.
 */
export function exportGru(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'gru');
  const steps = staticSteps(ctx, node);
  const [xName, wName, uName, bxName, bhName, h0Name] = node.inputs;
  const [yName, hTName] = node.outputs;
  const x = ctx.decl(xName);
  const y = ctx.decl(yName);
  eightBit(ctx, x, 'x');
  if (h0Name !== undefined) eightBit(ctx, ctx.decl(h0Name), 'h0');
  const yq = y.quant as QuantParams;
  const gx = gateQuant(a.inputGateScales, a.inputGateBits);
  const gh = gateQuant(a.recurrentGateScales, a.recurrentGateBits);
  const W = weightCodes(ctx, wName);
  const U = weightCodes(ctx, uName);
  const hidden = ctx.constant(uName).shape[0];
  const rows = 3 * hidden;
  const base = node.name;
  const ax = accumulate(ctx, ctx.exported(xName).tensor, zeroPointConst(ctx, `${base}/x_zero_point`, x), W.tensor, bxName);
  const px = onGrid(ctx, scaled(ctx, ax, floatConst(ctx, `${base}/mx`, multipliers(x.quant!.scale[0], W.quant, gx, rows))), gridBounds(ctx, `${base}/input_gate`, gx.bits));
  const vxAll = ctx.emit('Mul', [px, floatConst(ctx, `${base}/input_gate_scale`, gx.scale)]);
  const mhValues = multipliers(yq.scale[0], U.quant, gh, rows);
  const mh = floatConst(ctx, `${base}/mh`, mhValues);
  const ghGrid = gridBounds(ctx, `${base}/recurrent_gate`, gh.bits);
  const sph = floatConst(ctx, `${base}/recurrent_gate_scale`, gh.scale);
  const zh = zeroPointConst(ctx, `${base}/h_zero_point`, y);
  const sh = floatConst(ctx, `${base}/h_scale`, [yq.scale[0]]);
  const zhFloat = floatConst(ctx, `${base}/h_zero_point_float`, [yq.zeroPoint[0]]);
  const one = floatConst(ctx, `${base}/one`, [1]);
  const slices = gateSlices(ctx, `${base}/gate`, 3, hidden);
  const vh0 = h0Name === undefined ? initialRecurrentGates(ctx, bhName, mhValues, gh) : undefined;
  let h = h0Name === undefined ? undefined : ctx.exported(h0Name).tensor;
  const hs: string[] = new Array<string>(steps);
  for (let k = 0; k < steps; k++) {
    const t = a.reverse ? steps - 1 - k : k;
    const vx = stepOf(ctx, vxAll, int64Const(ctx, `${base}/t${t}`, [t], []));
    const [xz, xr, xn] = slices.blocks.map((b) => columns(ctx, vx, b, slices.axes));
    let hz: string, hr: string, hn: string;
    if (h === undefined) {
      const v = vh0 as Float32Array;
      [hz, hr, hn] = [0, 1, 2].map((j) => floatConst(ctx, `${base}/vh0_${j}`, v.subarray(j * hidden, (j + 1) * hidden), [hidden]));
    } else {
      const vh = ctx.emit('Mul', [onGrid(ctx, scaled(ctx, accumulate(ctx, h, zh, U.tensor, bhName), mh), ghGrid), sph]);
      [hz, hr, hn] = slices.blocks.map((b) => columns(ctx, vh, b, slices.axes));
    }
    const z = ctx.emit('Sigmoid', [ctx.emit('Add', [xz, hz])]);
    const r = ctx.emit('Sigmoid', [ctx.emit('Add', [xr, hr])]);
    const nn = ctx.emit('Tanh', [ctx.emit('Add', [xn, ctx.emit('Mul', [r, hn])])]);
    let hf = ctx.emit('Mul', [ctx.emit('Sub', [one, z]), nn]);
    if (h !== undefined) {
      const centered = ctx.emit('Sub', [ctx.emit('Cast', [h], { to: DataType.FLOAT }), zhFloat]);
      hf = ctx.emit('Add', [hf, ctx.emit('Mul', [ctx.emit('Mul', [z, centered]), sh])]);
    }
    h = quantizeHidden(ctx, hf, y, sh, zh, `${base}/h${t}`);
    hs[t] = h;
  }
  sequenceOutput(ctx, yName, hs);
  ctx.codesOutput(hTName, 'ir', 'Identity', [h as string]);
}
