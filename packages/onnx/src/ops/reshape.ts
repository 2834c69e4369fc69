import { nodeAttrs, type Node } from '@qatjs/ir';
import type { ExportContext } from '../context.ts';
import { int64Tensor } from '../proto/tensors.ts';

// flatten and reshape move no value: on codes they are DequantizeLinear -> Flatten/Reshape ->
// QuantizeLinear with the same grid (exact: every code comes back), in the IR's layout (row-major NHWC
// order, which the next layer's weights were trained for).

function reshaped(node: Node, ctx: ExportContext, opType: string, extra: readonly string[], attrs: Readonly<Record<string, number>>): void {
  const x = ctx.float(node.inputs[0], 'ir');
  if (ctx.decl(node.outputs[0]).dtype === 'float32') ctx.floatOutput(node.outputs[0], 'ir', opType, [x, ...extra], attrs);
  else ctx.quantized(node.outputs[0], ctx.emit(opType, [x, ...extra], attrs), 'ir');
}

/** flatten: [N, d1, ..., dk] -> [N, d1 * ... * dk]. */
export function exportFlatten(node: Node, ctx: ExportContext): void {
  reshaped(node, ctx, 'Flatten', [], { axis: 1 });
}

/**
 * reshape: the batch (-1 at dim 0) becomes 0 (ONNX: copy the input's dim 0); one other run-time size
 * becomes -1 (inferred). Two or more other run-time sizes have no ONNX Reshape spelling: refused.
 */
export function exportReshape(node: Node, ctx: ExportContext): void {
  const shape = nodeAttrs(node, 'reshape').shape.map((d, i) => (i === 0 && d === -1 ? 0 : d));
  const dynamic = shape.filter((d) => d < 0).length;
  if (dynamic > 1) ctx.fail(`shape [${shape.join(', ')}] has ${dynamic} run-time sizes besides the batch; ONNX Reshape can infer only one`);
  if (shape[0] === 0 && ctx.decl(node.inputs[0]).shape[0] !== -1) ctx.fail('the batch must be dim 0 of the input too');
  const dims = shape.map((d) => (d < 0 ? -1 : d));
  const target = ctx.initializer(int64Tensor(ctx.name(`${node.outputs[0]}/shape`), [dims.length], dims));
  reshaped(node, ctx, 'Reshape', [target], {});
}

/** matmul (activation x activation): both operands DequantizeLinear'd (b transposed on its last two axes with transposeB), MatMul, QuantizeLinear. */
export function exportMatmul(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'matmul');
  const rank = ctx.decl(node.inputs[1]).shape.length;
  let b = ctx.float(node.inputs[1], 'ir');
  if (a.transposeB) {
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    b = ctx.emit('Transpose', [b], { perm });
  }
  ctx.quantized(node.outputs[0], ctx.emit('MatMul', [ctx.float(node.inputs[0], 'ir'), b]), 'ir', a.clamp);
}
