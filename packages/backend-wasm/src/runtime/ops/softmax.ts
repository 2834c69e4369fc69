// softmax over the last axis (scale, causal), float32 between a dequantize and a quantize: float64
// sums, within FLOAT_REDUCTION_TOLERANCE of the reference. A scalar loop over the heap views.
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type F32T } from './common.ts';

export function softmaxStep(_ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
    const r = x.shape.length;
    const [t, s] = [x.shape[r - 2], x.shape[r - 1]];
    if (x.dtype !== 'float32' || y.size !== x.size) throw new BackendWasmError(`softmax '${node.name}': x and y must be float32 of one shape`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let row = 0; row * s < xv.length; row++) {
        const o = row * s;
        const visible = causal ? Math.min(s, (row % t) + s - t + 1) : s;
        let max = -Infinity;
        for (let j = 0; j < visible; j++) max = Math.max(max, scale * xv[o + j]);
        let sum = 0;
        for (let j = 0; j < visible; j++) sum += Math.exp(scale * xv[o + j] - max);
        for (let j = 0; j < s; j++) yv[o + j] = j < visible ? Math.exp(scale * xv[o + j] - max) / sum : 0;
      }
    };
  });
}
