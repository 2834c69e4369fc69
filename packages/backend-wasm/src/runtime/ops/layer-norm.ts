// layerNorm (float32, between a dequantize and a quantize): per row of the last axis, mean and
// variance accumulated in float64, within FLOAT_REDUCTION_TOLERANCE of the reference: the f32x4
// kernel layer_norm_f32x4 (ops/float-rows.ts), gamma and beta uploaded once.
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { bindLayerNormF32 } from '../../ops/float-rows.ts';
import type { F32T } from './common.ts';

export function layerNormStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const gamma = ctx.constant(node.inputs[1]).data as Float32Array;
  const beta = ctx.constant(node.inputs[2]).data as Float32Array;
  const eps = node.attrs.eps as number;
  const d = gamma.length;
  const [g, b] = [ctx.kernels.upload(gamma), ctx.kernels.upload(beta)];
  return {
    bind(inputs, outputs) {
      const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
      if (x.dtype !== 'float32' || y.size !== x.size || x.size % d !== 0) throw new BackendWasmError(`layerNorm '${node.name}': x and y must be float32 with rows of ${d}`);
      return bindLayerNormF32(ctx.kernels, x, y, d, g, b, eps);
    },
    dispose() {
      ctx.kernels.heap.free(g);
      ctx.kernels.heap.free(b);
    },
  };
}
