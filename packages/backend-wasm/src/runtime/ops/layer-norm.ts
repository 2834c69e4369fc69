// layerNorm (float32, between a dequantize and a quantize): per row of the last axis, mean and
// variance accumulated in float64, within FLOAT_REDUCTION_TOLERANCE of the reference. A scalar loop
// over the heap views (an f32x4 kernel is future work; the op is O(rows x D), beside O(D^2) gemms).
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type F32T } from './common.ts';

export function layerNormStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const gamma = ctx.constant(node.inputs[1]).data as Float32Array;
  const beta = ctx.constant(node.inputs[2]).data as Float32Array;
  const eps = node.attrs.eps as number;
  const d = gamma.length;
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
    if (x.dtype !== 'float32' || y.size !== x.size || x.size % d !== 0) throw new BackendWasmError(`layerNorm '${node.name}': x and y must be float32 with rows of ${d}`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let r = 0; r < xv.length; r += d) {
        let mean = 0;
        for (let j = 0; j < d; j++) mean += xv[r + j];
        mean /= d;
        let v = 0;
        for (let j = 0; j < d; j++) v += (xv[r + j] - mean) ** 2;
        const rstd = 1 / Math.sqrt(v / d + eps);
        for (let j = 0; j < d; j++) yv[r + j] = (xv[r + j] - mean) * rstd * gamma[j] + beta[j];
      }
    };
  });
}
