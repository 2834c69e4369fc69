// float32 exp, sigmoid, tanh (between a dequantize and a quantize): within 4 ulp or 1e-7 absolute
// of the float64 function rounded to float32 (docs/numerics.md).
import type { Node } from '@qatjs/ir';
import { bindUnaryF32, type FloatUnaryOp } from '../../ops/float.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type F32T } from './common.ts';

export function unaryF32Step(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const op = node.op as FloatUnaryOp;
  return simple((i, o) => bindUnaryF32(ctx.kernels, op, i[0] as F32T, o[0] as F32T));
}
