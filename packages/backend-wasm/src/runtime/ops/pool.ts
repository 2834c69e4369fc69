// maxPool, avgPool and globalAvgPool (an average over the whole H x W) on NHWC int8.
import { nodeAttrs, type Node } from '@qatjs/ir';
import { bindAvgPool, bindMaxPool } from '../../ops/pool.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { pads, simple, type Int8T } from './common.ts';

export function maxPoolStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'maxPool');
  const params = {
    window: [a.kernel[0], a.kernel[1]] as const, strides: [a.strides[0], a.strides[1]] as const, padding: pads(a.pads),
    clamp: ctx.clamp(a.clamp, node.outputs[0]),
  };
  return simple((i, o) => bindMaxPool(ctx.kernels, i[0] as Int8T, o[0] as Int8T, params));
}

export function avgPoolStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'avgPool');
  const params = {
    window: [a.kernel[0], a.kernel[1]] as const, strides: [a.strides[0], a.strides[1]] as const, padding: pads(a.pads),
    input: ctx.quant(node.inputs[0]), output: ctx.quant(node.outputs[0]), clamp: ctx.clamp(a.clamp, node.outputs[0]),
  };
  return simple((i, o) => bindAvgPool(ctx.kernels, i[0] as Int8T, o[0] as Int8T, params));
}

export function globalAvgPoolStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'globalAvgPool');
  const common = { strides: [1, 1] as const, padding: 'valid' as const, input: ctx.quant(node.inputs[0]), output: ctx.quant(node.outputs[0]), clamp: ctx.clamp(a.clamp, node.outputs[0]) };
  return simple((i, o) => {
    const [, h, w] = i[0].shape;
    const y = o[0].reshaped([o[0].shape[0], 1, 1, o[0].shape[1]]) as Int8T;
    return bindAvgPool(ctx.kernels, i[0] as Int8T, y, { ...common, window: [h, w] as const });
  });
}
