// conv2d and depthwiseConv2d: the filter packed once (per-channel scales and zero points); depthwise
// weights carry their quantization per input channel, output channel o = c * M + m uses c's.
import { nodeAttrs, type Node } from '@qatjs/ir';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { bias, pads, weights, type Int8T } from './common.ts';

function convStep(ctx: RuntimeOpContext, node: Node, depthwise: boolean): RuntimeStep {
  const a = depthwise ? nodeAttrs(node, 'depthwiseConv2d') : nodeAttrs(node, 'conv2d');
  const w = ctx.constant(node.inputs[1]);
  const [kh, kw, cin, last] = w.shape;
  const { codes, quant } = depthwise ? weights(w, cin * last, last) : weights(w, last);
  const b = bias(ctx, node);
  const spec = {
    filterShape: [kh, kw, cin, last] as const,
    filter: codes, strides: [a.strides[0], a.strides[1]] as const, dilations: [a.dilations[0], a.dilations[1]] as const,
    padding: pads(a.pads), ...(b ? { bias: b } : {}),
    input: ctx.quant(node.inputs[0]), weight: quant, output: ctx.quant(node.outputs[0]), clamp: ctx.clamp(a.clamp, node.outputs[0]),
  };
  const op = depthwise ? ctx.kernels.createDepthwiseConv2d(spec) : ctx.kernels.createConv2d({ ...spec, groups: nodeAttrs(node, 'conv2d').groups });
  return { bind: (i, o) => op.bind(i[0] as Int8T, o[0] as Int8T), dispose: () => op.dispose() };
}

export const conv2dStep = (ctx: RuntimeOpContext, node: Node): RuntimeStep => convStep(ctx, node, false);
export const depthwiseConv2dStep = (ctx: RuntimeOpContext, node: Node): RuntimeStep => convStep(ctx, node, true);
