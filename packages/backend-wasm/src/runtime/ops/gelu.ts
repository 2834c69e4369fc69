// gelu (tanh form), float32 between a dequantize and a quantize: each element the float64 function
// rounded once, so it equals the reference (a scalar loop over the heap views).
import { geluFloat, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type F32T } from './common.ts';

export function geluStep(_ctx: RuntimeOpContext, node: Node): RuntimeStep {
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
    if (x.dtype !== 'float32' || y.size !== x.size) throw new BackendWasmError(`gelu '${node.name}': x and y must be float32 of one shape`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let i = 0; i < xv.length; i++) yv[i] = geluFloat(xv[i]);
    };
  });
}
