// softmax over the last axis (scale, causal), float32 between a dequantize and a quantize: float64
// sums, within FLOAT_REDUCTION_TOLERANCE of the reference: the f32x4 kernel softmax_f32x4 (ops/float-rows.ts).
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { bindSoftmaxF32 } from '../../ops/float-rows.ts';
import { simple, type F32T } from './common.ts';

export function softmaxStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
    if (x.dtype !== 'float32' || y.size !== x.size) throw new BackendWasmError(`softmax '${node.name}': x and y must be float32 of one shape`);
    return bindSoftmaxF32(ctx.kernels, x, y, scale, causal);
  });
}
