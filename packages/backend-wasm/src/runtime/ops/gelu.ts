// gelu (tanh form), float32 between a dequantize and a quantize: the f32x4 kernel gelu_f32x4
// (ops/float-rows.ts), within FLOAT_KERNEL_TOLERANCE of the reference (geluFloat).
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { bindGeluF32 } from '../../ops/float-rows.ts';
import { simple, type F32T } from './common.ts';

export function geluStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as F32T];
    if (x.dtype !== 'float32' || y.size !== x.size) throw new BackendWasmError(`gelu '${node.name}': x and y must be float32 of one shape`);
    return bindGeluF32(ctx.kernels, x, y);
  });
}
