// add and mul, numpy broadcasting: int8 / uint8 inputs rescaled and requantized (clamp attr), or all
// float32: fround(a + b), fround(a * b) (no clamp). An add touching int16 codes: codes16.ts.
import type { Node } from '@qatjs/ir';
import { bindBinaryS8 } from '../../ops/binary-s8.ts';
import { bindAdd } from '../../ops/eltwise.ts';
import { bindBinaryF32 } from '../../ops/float.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, twoInputParams, type F32T, type Int8T } from './common.ts';
import { add16Step, touchesInt16 } from './codes16.ts';

function binaryStep(ctx: RuntimeOpContext, node: Node, op: 'add' | 'mul'): RuntimeStep {
  if (ctx.value(node.outputs[0]).storage.dtype === 'float32') {
    return simple((i, o) => bindBinaryF32(ctx.kernels, op, i[0] as F32T, i[1] as F32T, o[0] as F32T));
  }
  if (op === 'add' && touchesInt16(ctx, node)) return add16Step(ctx, node);
  const clamp = node.attrs.clamp as readonly number[] | undefined;
  const grid = ctx.value(node.outputs[0]).storage.grid as { min: number; max: number };
  const params = clamp ? twoInputParams(ctx, node, clamp) : { ...twoInputParams(ctx, node, [0, 0]), clamp: grid };
  if (op === 'add') return simple((i, o) => bindAdd(ctx.kernels, i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
  return simple((i, o) => bindBinaryS8(ctx.kernels, 'mul', i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
}

export const addStep = (ctx: RuntimeOpContext, node: Node): RuntimeStep => binaryStep(ctx, node, 'add');
export const mulStep = (ctx: RuntimeOpContext, node: Node): RuntimeStep => binaryStep(ctx, node, 'mul');
