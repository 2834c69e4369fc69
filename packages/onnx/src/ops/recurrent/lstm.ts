import { gateQuant, nodeAttrs, type Node, type QuantParams } from '@qatjs/ir';
import type { ExportContext } from '../../context.ts';
import { DataType } from '../../proto/types.ts';
import {
  accumulate, columns, eightBit, floatConst, gateSlices, gridBounds, int64Const, multipliers, onGrid, quantizeHidden,
  scaled, sequenceOutput, staticSteps, stepOf, weightCodes, zeroPointConst,
} from './step-ops.ts';

/**
 * lstm, unrolled: one step subgraph per time step, each exactly the IR op's step (packages/ir/src/ops/lstm.ts):
 *   gx = fround(fround(x·W + bias) * mx)                      MatMulInteger once for all steps, Add, Cast, Mul
 *   g  = clamp(round(fround(gx_t + fround(fround(h·U) * mh))))  Gather step t; MatMulInteger, Cast, Mul, Add, Round, Clip
 *   v  = fround(g * s_g); i, f, o = Sigmoid; gg = Tanh        Mul, Slice (gate order i, f, g, o)
 *   c  = clamp(round(fround(fround(f * fround(c * s_c)) + fround(i * gg)) / s_c))   Mul, Mul, Add, Div, Round, Clip
 *   h  = QuantizeLinear(fround(o * tanh(fround(c * s_c))), s_h, z_h)
 * The cell's 16-bit codes stay float tensors (integers) between steps; cT is their Cast to INT16.
 * Without h0 (c0), step one has no h·U (f·c) term: the IR adds exact zeros there.
 */
export function exportLstm(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'lstm');
  const steps = staticSteps(ctx, node);
  const [xName, wName, uName, biasName, h0Name, c0Name] = node.inputs;
  const [yName, hTName, cTName] = node.outputs;
  const x = ctx.decl(xName);
  const y = ctx.decl(yName);
  const cq = ctx.decl(cTName).quant as QuantParams;
  eightBit(ctx, x, 'x');
  if (h0Name !== undefined) eightBit(ctx, ctx.decl(h0Name), 'h0');
  const yq = y.quant as QuantParams;
  const g = gateQuant(a.gateScales, a.gateBits);
  const W = weightCodes(ctx, wName);
  const U = weightCodes(ctx, uName);
  const hidden = ctx.constant(uName).shape[0];
  const rows = 4 * hidden;
  const base = node.name;
  const ax = accumulate(ctx, ctx.exported(xName).tensor, zeroPointConst(ctx, `${base}/x_zero_point`, x), W.tensor, biasName);
  const gx = scaled(ctx, ax, floatConst(ctx, `${base}/mx`, multipliers(x.quant!.scale[0], W.quant, g, rows)));
  const mh = floatConst(ctx, `${base}/mh`, multipliers(yq.scale[0], U.quant, g, rows));
  const zh = zeroPointConst(ctx, `${base}/h_zero_point`, y);
  const sh = floatConst(ctx, `${base}/h_scale`, [yq.scale[0]]);
  const sg = floatConst(ctx, `${base}/gate_scale`, g.scale);
  const sc = floatConst(ctx, `${base}/cell_scale`, [cq.scale[0]]);
  const gateGrid = gridBounds(ctx, `${base}/gate`, g.bits);
  const cellGrid = gridBounds(ctx, `${base}/cell`, cq.bits);
  const slices = gateSlices(ctx, `${base}/gate`, 4, hidden);
  let h = h0Name === undefined ? undefined : ctx.exported(h0Name).tensor;
  let cf = c0Name === undefined ? undefined : ctx.emit('Mul', [ctx.emit('Cast', [ctx.exported(c0Name).tensor], { to: DataType.FLOAT }), sc]);
  let cCodes: string | undefined;
  const hs: string[] = new Array<string>(steps);
  for (let k = 0; k < steps; k++) {
    const t = a.reverse ? steps - 1 - k : k;
    let sum = stepOf(ctx, gx, int64Const(ctx, `${base}/t${t}`, [t], []));
    if (h !== undefined) sum = ctx.emit('Add', [sum, scaled(ctx, accumulate(ctx, h, zh, U.tensor, undefined), mh)]);
    const v = ctx.emit('Mul', [onGrid(ctx, sum, gateGrid), sg]);
    const [vi, vf, vg, vo] = slices.blocks.map((b) => columns(ctx, v, b, slices.axes));
    const ig = ctx.emit('Mul', [ctx.emit('Sigmoid', [vi]), ctx.emit('Tanh', [vg])]);
    const c = cf === undefined ? ig : ctx.emit('Add', [ctx.emit('Mul', [ctx.emit('Sigmoid', [vf]), cf]), ig]);
    cCodes = onGrid(ctx, ctx.emit('Div', [c, sc]), cellGrid);
    cf = ctx.emit('Mul', [cCodes, sc]);
    const hf = ctx.emit('Mul', [ctx.emit('Sigmoid', [vo]), ctx.emit('Tanh', [cf])]);
    h = quantizeHidden(ctx, hf, y, sh, zh, `${base}/h${t}`);
    hs[t] = h;
  }
  sequenceOutput(ctx, yName, hs);
  ctx.codesOutput(hTName, 'ir', 'Identity', [h as string]);
  ctx.codesOutput(cTName, 'ir', 'Cast', [cCodes as string], { to: DataType.INT16 });
}
