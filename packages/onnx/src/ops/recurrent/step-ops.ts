import { codeRange, constantCodes, elementCount, requantMultiplier, type Node, type QuantParams, type ValueDecl } from '@qatjs/ir';
import type { ExportContext } from '../../context.ts';
import { codeTensor, floatTensor, int32Tensor, int64Tensor } from '../../proto/tensors.ts';
import { DataType } from '../../proto/types.ts';

// The pieces of an unrolled lstm / gru step, each the IR formula's operation in float32 (ONNX float
// ops round every result to float32, as the IR's fround after each operation):
// - x·W and h·U: MatMulInteger on the int8 codes (zero point z_x / z_h, weights symmetric) -> int32,
//   exactly the IR's accumulators; + the int32 bias (Add on int32).
// - requantization onto a 16-bit gate grid: Cast to float (exact below 2^24), Mul by
//   requantMultiplier(s_in, s_w[n], s_g[n]) (computed here exactly as the IR computes it), Round
//   (ONNX Round is half to even) and Clip to [qmin_g, qmax_g] in float: the grid's codes as floats.
//   QuantizeLinear cannot take this: its input would be the float product, and int16 QuantizeLinear
//   needs opset 21; Round/Clip is exact at every opset.
// - the hidden state: QuantizeLinear to int8 (+ a Clip of the codes for a grid below 8 bits).

/** x [B, T, I] of a recurrent node: the static T (a run-time T is refused, naming what to pass). */
export function staticSteps(ctx: ExportContext, node: Node): number {
  const x = ctx.decl(node.inputs[0]);
  const t = x.shape[1];
  if (t < 0) {
    const input = ctx.model.inputs.map((n) => ctx.decl(n)).find((d) => d.shape.includes(t));
    const hint = input ? `exportOnnx(model, { inputShapes: { ${input.name}: [${input.shape.map((d) => (d === t ? 'T' : d >= 0 ? d : 'null')).join(', ')}] } })` : 'exportOnnx(model, { inputShapes: { <input>: [..., T, ...] } })';
    ctx.fail(`the sequence length T of x '${x.name}' is a run-time size; the export unrolls the step loop (every step quantizes the gates, the cell and the hidden state, which ONNX LSTM/GRU cannot express), so T must be fixed: pass ${hint}`);
  }
  return t;
}

/** x or the hidden state: per-tensor codes stored as 8-bit (MatMulInteger takes 8-bit inputs). */
export function eightBit(ctx: ExportContext, v: ValueDecl, what: string): void {
  if (ctx.storage(v) !== DataType.INT8 && ctx.storage(v) !== DataType.UINT8) {
    ctx.fail(`${what} '${v.name}' would be stored as INT4 (lowBits 'int4'), which MatMulInteger does not take; export with lowBits 'qcdq'`);
  }
  if (ctx.layout(v.name) !== 'ir') ctx.fail(`${what} '${v.name}' must be in the IR's layout`);
}

export function floatConst(ctx: ExportContext, base: string, values: ArrayLike<number>, dims?: readonly number[]): string {
  return ctx.initializer(floatTensor(ctx.name(base), dims ?? (values.length === 1 ? [] : [values.length]), values));
}

export function int64Const(ctx: ExportContext, base: string, values: readonly number[], dims?: readonly number[]): string {
  return ctx.initializer(int64Tensor(ctx.name(base), dims ?? [values.length], values));
}

/** A zero point scalar of an 8-bit value's storage type. */
export function zeroPointConst(ctx: ExportContext, base: string, decl: ValueDecl): string {
  const type = ctx.storage(decl) === DataType.UINT8 ? DataType.UINT8 : DataType.INT8;
  return ctx.initializer(codeTensor(ctx.name(base), [], type, [(decl.quant as QuantParams).zeroPoint[0]]));
}

/** A recurrent weight [K, G·H] as an int8 initializer (low-bit codes in int8: MatMulInteger takes 8-bit). */
export function weightCodes(ctx: ExportContext, name: string): { tensor: string; quant: QuantParams } {
  const c = ctx.constant(name);
  if (!c.quant) ctx.fail(`weights '${name}' have no quant params`);
  if (c.quant.zeroPoint.some((z) => z !== 0)) ctx.fail(`weights '${name}' must be symmetric`);
  const codes = constantCodes(c.dtype, c.data, elementCount(c.shape));
  return { tensor: ctx.initializer(codeTensor(ctx.name(name), c.shape, DataType.INT8, codes)), quant: c.quant };
}

/** int32 acc = (a - z_a)·W (+ bias): MatMulInteger, then Add of the int32 bias. */
export function accumulate(ctx: ExportContext, a: string, za: string, w: string, bias: string | undefined): string {
  const acc = ctx.emit('MatMulInteger', [a, w, za]);
  if (bias === undefined) return acc;
  const c = ctx.constant(bias);
  if (c.dtype !== 'int32' || c.shape.length !== 1) ctx.fail(`bias '${bias}' must be an int32 [G·H] constant`);
  return ctx.emit('Add', [acc, ctx.initializer(int32Tensor(ctx.name(bias), c.shape, c.data))]);
}

/** The gate multipliers requantMultiplier(s_in, s_w[n], s_g[n]) for n < rows, as the IR computes them. */
export function multipliers(sIn: number, w: QuantParams, g: QuantParams, rows: number): Float32Array {
  const m = new Float32Array(rows);
  for (let n = 0; n < rows; n++) m[n] = requantMultiplier(sIn, w.scale[w.scale.length === 1 ? 0 : n], g.scale[g.scale.length === 1 ? 0 : n]);
  return m;
}

/** fround(fround(acc) * m): Cast to float, Mul. */
export function scaled(ctx: ExportContext, acc: string, m: string): string {
  return ctx.emit('Mul', [ctx.emit('Cast', [acc], { to: DataType.FLOAT }), m]);
}

/** clamp(roundHalfEven(v), qmin, qmax) on a signed grid (its gridBounds), in float: Round, Clip. */
export function onGrid(ctx: ExportContext, v: string, bounds: readonly [string, string]): string {
  return ctx.emit('Clip', [ctx.emit('Round', [v]), bounds[0], bounds[1]]);
}

/** The float Clip bounds of a signed `bits` grid. */
export function gridBounds(ctx: ExportContext, base: string, bits: number): [string, string] {
  const r = codeRange(bits, true);
  return [floatConst(ctx, `${base}/qmin`, [r.qmin]), floatConst(ctx, `${base}/qmax`, [r.qmax])];
}

/** Step t of a [B, T, N] tensor: Gather on axis 1 with a scalar index -> [B, N]. */
export function stepOf(ctx: ExportContext, all: string, index: string): string {
  return ctx.emit('Gather', [all, index], { axis: 1 });
}

/** Columns [from, to) of a [B, N] tensor. */
export function columns(ctx: ExportContext, v: string, bounds: { starts: string; ends: string }, axes: string): string {
  return ctx.emit('Slice', [v, bounds.starts, bounds.ends, axes]);
}

/** Slice bounds of the G gate blocks of H columns each. */
export function gateSlices(ctx: ExportContext, base: string, gates: number, hidden: number): { axes: string; blocks: Array<{ starts: string; ends: string }> } {
  const axes = int64Const(ctx, `${base}/axes`, [1]);
  const blocks = Array.from({ length: gates }, (_, k) => ({
    starts: int64Const(ctx, `${base}/start${k}`, [k * hidden]),
    ends: int64Const(ctx, `${base}/end${k}`, [(k + 1) * hidden]),
  }));
  return { axes, blocks };
}

/**
 * h = clamp(roundHalfEven(fround(h' / s_h)) + z_h, qmin_h, qmax_h): QuantizeLinear (it divides by the
 * scale) to the 8-bit storage, + a Clip of the codes for a grid below 8 bits.
 */
export function quantizeHidden(ctx: ExportContext, f: string, y: ValueDecl, sh: string, zh: string, base: string): string {
  const quant = y.quant as QuantParams;
  const q = ctx.emit('QuantizeLinear', [f, sh, zh], {}, ctx.name(`${base}/q`));
  const grid = codeRange(quant.bits, y.dtype === 'int8');
  const full = codeRange(8, y.dtype === 'int8');
  if (grid.qmin === full.qmin && grid.qmax === full.qmax) return q;
  const type = y.dtype === 'int8' ? DataType.INT8 : DataType.UINT8;
  const mn = ctx.initializer(codeTensor(ctx.name(`${base}/clip_min`), [], type, [grid.qmin]));
  const mx = ctx.initializer(codeTensor(ctx.name(`${base}/clip_max`), [], type, [grid.qmax]));
  return ctx.emit('Clip', [q, mn, mx], {}, ctx.name(`${base}/clip`));
}

/** y [B, T, H] from every step's h codes [B, H] (in time order): Unsqueeze on axis 1, Concat. */
export function sequenceOutput(ctx: ExportContext, name: string, hs: readonly string[]): void {
  const axis = int64Const(ctx, `${name}/axis`, [1]);
  const parts = hs.map((h) => ctx.emit('Unsqueeze', [h, axis]));
  if (parts.length === 1) ctx.codesOutput(name, 'ir', 'Identity', parts);
  else ctx.codesOutput(name, 'ir', 'Concat', parts, { axis: 1 });
}
