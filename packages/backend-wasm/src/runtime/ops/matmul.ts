// matmul: activation x activation, batch dims in front (B shared when it has none).
import { nodeAttrs, type Node } from '@qatjs/ir';
import { bindMatmul } from '../../ops/matmul.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, twoInputParams, type Int8T } from './common.ts';

export function matmulStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'matmul');
  const params = { ...twoInputParams(ctx, node, a.clamp), transposeB: a.transposeB };
  return simple((i, o) => bindMatmul(ctx.kernels, i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
}
