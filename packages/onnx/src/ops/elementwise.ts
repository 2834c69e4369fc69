import { optionalClamp, type Node } from '@qatjs/ir';
import type { ExportContext, Layout } from '../context.ts';

// add and mul (quantized: DequantizeLinear both, the float op, QuantizeLinear + clamp; float32: the
// float op), and the float32 unary ops. Elementwise ops keep a channels-first layout when both inputs
// are rank-4 (NHWC) values: the same permutation of both leaves the broadcast unchanged.

function sharedLayout(ctx: ExportContext, names: readonly string[]): Layout {
  const ranks = names.map((n) => ctx.decl(n).shape.length);
  return ranks.every((r) => r === 4) && ctx.layout(names[0]) === 'nchw' ? 'nchw' : 'ir';
}

function binary(opType: 'Add' | 'Mul', node: Node, ctx: ExportContext): void {
  const layout = sharedLayout(ctx, node.inputs);
  const inputs = node.inputs.map((n) => ctx.float(n, layout));
  if (ctx.decl(node.outputs[0]).dtype === 'float32') {
    ctx.floatOutput(node.outputs[0], layout, opType, inputs);
  } else {
    ctx.quantized(node.outputs[0], ctx.emit(opType, inputs), layout, optionalClamp(node));
  }
}

export const exportAdd = (node: Node, ctx: ExportContext): void => binary('Add', node, ctx);
export const exportMul = (node: Node, ctx: ExportContext): void => binary('Mul', node, ctx);

/** sigmoid, tanh, exp: float32 in and out. */
export function floatUnary(opType: 'Sigmoid' | 'Tanh' | 'Exp') {
  return (node: Node, ctx: ExportContext): void => {
    const layout = ctx.layout(node.inputs[0]);
    ctx.floatOutput(node.outputs[0], layout, opType, [ctx.float(node.inputs[0], layout)]);
  };
}

/** quantize: QuantizeLinear (+ Clip to a grid narrower than the storage type). */
export function exportQuantize(node: Node, ctx: ExportContext): void {
  const layout = ctx.layout(node.inputs[0]);
  ctx.quantized(node.outputs[0], ctx.float(node.inputs[0], layout), layout);
}

/** dequantize: DequantizeLinear. */
export function exportDequantize(node: Node, ctx: ExportContext): void {
  const layout = ctx.layout(node.inputs[0]);
  const x = ctx.exported(node.inputs[0]);
  const decl = ctx.decl(node.inputs[0]);
  const [scale, zp] = ctx.qparams(node.inputs[0], decl.quant!, ctx.storage(decl));
  ctx.floatOutput(node.outputs[0], layout, 'DequantizeLinear', [x.tensor, scale, zp]);
}
