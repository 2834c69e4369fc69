// quantize (float32 -> int8 / uint8 codes) and dequantize (codes -> float32); int16 codes: codes16.ts.
import type { Node } from '@qatjs/ir';
import { bindDequantize, bindQuantize } from '../../ops/eltwise.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type F32T, type Int8T } from './common.ts';
import { dequantize16Step, quantize16Step } from './codes16.ts';

export function quantizeStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  if (ctx.value(node.outputs[0]).storage.dtype === 'int16') return quantize16Step(ctx, node);
  const y = ctx.value(node.outputs[0]).storage;
  const grid = y.grid as { min: number; max: number };
  const q = ctx.quant(node.outputs[0]);
  return simple((i, o) => bindQuantize(ctx.kernels, i[0] as F32T, o[0] as Int8T, q, grid));
}

export function dequantizeStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  if (ctx.value(node.inputs[0]).storage.dtype === 'int16') return dequantize16Step(ctx, node);
  const q = ctx.quant(node.inputs[0]);
  return simple((i, o) => bindDequantize(ctx.kernels, i[0] as Int8T, o[0] as F32T, q));
}
