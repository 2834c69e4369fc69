import { nodeAttrs, type Node } from '@qatjs/ir';
import type { ExportContext } from '../context.ts';

// The pools on the dequantized input, channels-first; the output quantized to its grid. maxPool keeps
// its input's grid, so DequantizeLinear -> MaxPool -> QuantizeLinear gives back the codes exactly.

function pool(opType: 'MaxPool' | 'AveragePool', op: 'maxPool' | 'avgPool', node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, op);
  const attrs = { kernel_shape: [...a.kernel], strides: [...a.strides], pads: [...a.pads], ...(opType === 'AveragePool' ? { count_include_pad: 0 } : {}) };
  ctx.quantized(node.outputs[0], ctx.emit(opType, [ctx.float(node.inputs[0], 'nchw')], attrs), 'nchw', a.clamp);
}

/** maxPool: padding never wins (ONNX MaxPool pads with -inf). */
export const exportMaxPool = (node: Node, ctx: ExportContext): void => pool('MaxPool', 'maxPool', node, ctx);

/** avgPool: padding is left out of the count (count_include_pad = 0), as the IR op does. */
export const exportAvgPool = (node: Node, ctx: ExportContext): void => pool('AveragePool', 'avgPool', node, ctx);

/** globalAvgPool: GlobalAveragePool [N, C, 1, 1], Flatten to [N, C]. */
export function exportGlobalAvgPool(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'globalAvgPool');
  const mean = ctx.emit('GlobalAveragePool', [ctx.float(node.inputs[0], 'nchw')]);
  ctx.quantized(node.outputs[0], ctx.emit('Flatten', [mean], { axis: 1 }), 'ir', a.clamp);
}
