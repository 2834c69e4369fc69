// add: two int8 values rescaled to the output's scale and added.
import { nodeAttrs, type Node } from '@qatjs/ir';
import { bindAdd } from '../../ops/eltwise.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, twoInputParams, type Int8T } from './common.ts';

export function addStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const params = twoInputParams(ctx, node, nodeAttrs(node, 'add').clamp);
  return simple((i, o) => bindAdd(ctx.kernels, i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
}
