import { constantCodes, elementCount, nodeAttrs, type Node } from '@qatjs/ir';
import type { ExportContext } from '../context.ts';
import { DataType } from '../proto/types.ts';

// embedding and concat: the IR's sequence ops that move codes without arithmetic between grids.

/**
 * embedding: the table as integer codes with a DequantizeLinear (per-axis 0 for per-row params):
 * fround((q - z_w[v]) * s_w[v]); Gather of the token rows (int32 ids; onnxruntime refuses an id outside
 * [-V, V), and ONNX reads a negative id from the end, where the IR refuses it); QuantizeLinear to y's
 * grid: exactly the IR's quantizeValue(dequantizeValue(q)).
 */
export function exportEmbedding(node: Node, ctx: ExportContext): void {
  const tokens = ctx.decl(node.inputs[0]);
  if (tokens.dtype !== 'int32') ctx.fail(`tokens '${tokens.name}' must be int32, got ${tokens.dtype}`);
  const c = ctx.constant(node.inputs[1]);
  if (!c.quant || c.shape.length !== 2) ctx.fail(`table '${c.name}' must be a quantized [V, D] constant`);
  const table = ctx.weight(c.name, { codes: constantCodes(c.dtype, c.data, elementCount(c.shape)), dims: c.shape, quant: c.quant, axis: 0 });
  const rows = ctx.emit('Gather', [table, ctx.exported(tokens.name).tensor], { axis: 0 });
  ctx.quantized(node.outputs[0], rows, 'ir');
}

const TO_NCHW = [0, 3, 1, 2];

/**
 * concat: every input has the output's grid (the IR refuses differing ones), so ONNX Concat joins the
 * codes themselves (in a channels-first layout, along the moved axis). INT4 storage, mixed layouts or a
 * channels-first graph output go through DequantizeLinear -> Concat -> QuantizeLinear (also exact).
 */
export function exportConcat(node: Node, ctx: ExportContext): void {
  const { axis } = nodeAttrs(node, 'concat');
  const out = node.outputs[0];
  const layouts = node.inputs.map((n) => ctx.layout(n));
  const layout = layouts[0];
  const same = layouts.every((l) => l === layout) && (layout === 'ir' || !ctx.model.outputs.includes(out));
  if (same && ctx.storage(ctx.decl(out)) !== DataType.INT4) {
    const onnxAxis = layout === 'nchw' ? TO_NCHW.indexOf(axis) : axis;
    ctx.codesOutput(out, layout, 'Concat', node.inputs.map((n) => ctx.exported(n).tensor), { axis: onnxAxis });
  } else {
    ctx.quantized(out, ctx.emit('Concat', node.inputs.map((n) => ctx.float(n, 'ir')), { axis }), 'ir');
  }
}
