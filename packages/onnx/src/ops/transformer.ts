import { constantCodes, elementCount, type Node } from '@qatjs/ir';
import type { ExportContext } from '../context.ts';
import { DataType } from '../proto/types.ts';
import { floatTensor, int64Tensor } from '../proto/tensors.ts';

// The transformer ops: positionalAdd and transpose on codes, layerNorm, softmax and gelu on float32
// values (the IR dequantizes before them and quantizes after them). Every op is composed of opset-13
// ONNX ops, each the IR formula (packages/ir/src/ops, the reference kernels in reference/ops): no
// LayerNormalization (opset 17) or Gelu (opset 20), so a transformer exports at the default opset 13.

function scalar(ctx: ExportContext, base: string, v: number): string {
  return ctx.initializer(floatTensor(ctx.name(base), [], [v]));
}

/** ReduceMean over the last axis, keepdims: the axes an attribute before opset 18, an input from 18. */
function meanLast(ctx: ExportContext, x: string): string {
  if (ctx.settings.opset >= 18) return ctx.emit('ReduceMean', [x, ctx.initializer(int64Tensor(ctx.name('axes_last'), [1], [-1]))], { keepdims: 1 });
  return ctx.emit('ReduceMean', [x], { axes: [-1], keepdims: 1 });
}

function floatConstant(ctx: ExportContext, name: string): string {
  const c = ctx.constant(name);
  if (c.dtype !== 'float32') ctx.fail(`'${name}' must be a float32 constant, got ${c.dtype}`);
  return ctx.initializer(floatTensor(ctx.name(name), c.shape, c.data as ArrayLike<number>));
}

/**
 * positionalAdd: DQ(x) + DQ(table rows 0..T-1) (the int8 table per-row, axis 0) -> QuantizeLinear to y's
 * grid: the IR's roundHalfEven(fround(fround(xv + pv) / s_y)) + z_y. T must be static.
 */
export function exportPositionalAdd(node: Node, ctx: ExportContext): void {
  const x = ctx.decl(node.inputs[0]);
  const t = x.shape[1];
  if (!(t > 0)) ctx.fail(`the sequence length T of x '${x.name}' is a run-time size; the table's rows 0..T-1 are sliced with a static T: pass exportOnnx(model, { inputShapes: { <input>: [null, T] } })`);
  const c = ctx.constant(node.inputs[1]);
  const table = ctx.weight(c.name, { codes: constantCodes(c.dtype, c.data, elementCount(c.shape)), dims: c.shape, quant: c.quant!, axis: 0 });
  const rows = t === c.shape[0] ? table : ctx.emit('Slice', [table, ...[[0], [t], [0]].map((v, i) => ctx.initializer(int64Tensor(ctx.name(`${c.name}/slice_${['starts', 'ends', 'axes'][i]}`), [1], v)))]);
  ctx.quantized(node.outputs[0], ctx.emit('Add', [ctx.float(x.name, 'ir'), rows]), 'ir');
}

/** transpose: the codes themselves (int8/uint8) or the float32 values, Transpose with the IR's perm. */
export function exportTranspose(node: Node, ctx: ExportContext): void {
  const perm = node.attrs.perm as number[];
  const out = node.outputs[0];
  const decl = ctx.decl(out);
  if (decl.dtype === 'float32') {
    ctx.floatOutput(out, 'ir', 'Transpose', [ctx.float(node.inputs[0], 'ir')], { perm });
  } else if (ctx.layout(node.inputs[0]) === 'ir' && ctx.storage(decl) !== DataType.INT4) {
    ctx.codesOutput(out, 'ir', 'Transpose', [ctx.exported(node.inputs[0]).tensor], { perm });
  } else {
    ctx.quantized(out, ctx.emit('Transpose', [ctx.float(node.inputs[0], 'ir')], { perm }), 'ir');
  }
}

/**
 * layerNorm over the last axis, composed (LayerNormalization is opset 17): mean = ReduceMean(x),
 * d = x - mean, rstd = 1 / Sqrt(ReduceMean(d * d) + eps), y = d * rstd * gamma + beta. In float32 where
 * the reference sums in float64 (within FLOAT_REDUCTION_TOLERANCE).
 */
export function exportLayerNorm(node: Node, ctx: ExportContext): void {
  const eps = node.attrs.eps as number;
  if (typeof eps !== 'number') ctx.fail('attribute eps is missing');
  const x = ctx.float(node.inputs[0], 'ir');
  const d = ctx.emit('Sub', [x, meanLast(ctx, x)]);
  const v = meanLast(ctx, ctx.emit('Mul', [d, d]));
  const std = ctx.emit('Sqrt', [ctx.emit('Add', [v, scalar(ctx, `${node.name}/eps`, eps)])]);
  const rstd = ctx.emit('Div', [scalar(ctx, `${node.name}/one`, 1), std]);
  const g = ctx.emit('Mul', [ctx.emit('Mul', [d, rstd]), floatConstant(ctx, node.inputs[1])]);
  ctx.floatOutput(node.outputs[0], 'ir', 'Add', [g, floatConstant(ctx, node.inputs[2])]);
}

/**
 * softmax over the last axis of scale * x; causal: an additive [T, S] mask, 0 where column j is visible
 * from row i (j < i + S - T + 1, the IR's rule) and -1e30 elsewhere (exp underflows to exactly 0, as the
 * IR's 0 for a hidden column). T and S must be static for the mask, and S >= T (every row sees a column).
 */
export function exportSoftmax(node: Node, ctx: ExportContext): void {
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  const xd = ctx.decl(node.inputs[0]);
  let x = ctx.float(node.inputs[0], 'ir');
  if (scale !== 1) x = ctx.emit('Mul', [x, scalar(ctx, `${node.name}/scale`, scale)]);
  if (causal) {
    const [t, s] = xd.shape.slice(-2);
    if (!(t > 0 && s > 0)) ctx.fail(`causal: x ${JSON.stringify(xd.shape)} needs static T and S for the mask constant`);
    if (s < t) ctx.fail(`causal: S ${s} < T ${t} leaves row 0 with no visible column (the IR outputs zeros there; ONNX Softmax cannot)`);
    const mask = new Float32Array(t * s);
    for (let i = 0; i < t; i++) for (let j = 0; j < s; j++) mask[i * s + j] = j < i + s - t + 1 ? 0 : -1e30;
    x = ctx.emit('Add', [x, ctx.initializer(floatTensor(ctx.name(`${node.name}/causal_mask`), [t, s], mask))]);
  }
  ctx.floatOutput(node.outputs[0], 'ir', 'Softmax', [x], { axis: -1 });
}

/** gelu, the IR's tanh form: 0.5 x (1 + Tanh(sqrt(2/pi) (x + 0.044715 x^3))), from Mul/Add/Tanh. */
export function exportGelu(node: Node, ctx: ExportContext): void {
  const x = ctx.float(node.inputs[0], 'ir');
  const n = node.name;
  const x3 = ctx.emit('Mul', [ctx.emit('Mul', [x, x]), x]);
  const inner = ctx.emit('Add', [x, ctx.emit('Mul', [x3, scalar(ctx, `${n}/c3`, 0.044715)])]);
  const th = ctx.emit('Tanh', [ctx.emit('Mul', [inner, scalar(ctx, `${n}/k`, Math.sqrt(2 / Math.PI))])]);
  const half = ctx.emit('Mul', [x, scalar(ctx, `${n}/half`, 0.5)]);
  ctx.floatOutput(node.outputs[0], 'ir', 'Mul', [half, ctx.emit('Add', [th, scalar(ctx, `${n}/one`, 1)])]);
}

/**
 * I-BERT's integer-only ops (iGelu, iSoftmax, iLayerNorm): refused. Their integer polynomials, floors
 * and shifts have no exact composition from standard ONNX ops that runtimes execute bit for bit, and
 * exporting the float form would silently compute another model.
 */
export function refuseIntegerOnly(node: Node, ctx: ExportContext): void {
  ctx.fail(`'${node.op}' is an I-BERT integer-only op (integer polynomial, floors and shifts); ONNX has no exact form of it. Export a model converted without integerOnly (the float ${node.op.slice(1, 2).toLowerCase()}${node.op.slice(2)} between a dequantize and a quantize)`);
}
