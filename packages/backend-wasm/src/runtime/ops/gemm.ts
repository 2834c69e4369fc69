// gemm: x [..., K] . W [K, N] + b -> [..., N]; the leading dims fold into the GEMM's M rows.
import { nodeAttrs, type Node } from '@qatjs/ir';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { bias, weights, type Int8T } from './common.ts';

export function gemmStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'gemm');
  const w = ctx.constant(node.inputs[1]);
  const { codes, quant } = weights(w, w.shape[1]);
  const b = bias(ctx, node);
  const op = ctx.kernels.createGemm({
    k: w.shape[0], n: w.shape[1], weights: codes, ...(b ? { bias: b } : {}),
    input: ctx.quant(node.inputs[0]), weight: quant, output: ctx.quant(node.outputs[0]), clamp: ctx.clamp(a.clamp, node.outputs[0]),
  });
  return { bind: (i, o) => op.bind(i[0] as Int8T, o[0] as Int8T), dispose: () => op.dispose() };
}
