import type { LoweredValue, LoweringContext, Module } from '@qatjs/core';

/**
 * Lowers a layer's integer-only nonlinearity: the IR op `op` (iGelu, iLayerNorm) from the input's
 * codes (the previous layer's quantized output: int8, or int16 where the op takes it) straight to the
 * codes of the layer's `output` grid. `constants` adds the op's other inputs (after the input).
 */
export function lowerIntegerOnly(
  ctx: LoweringContext,
  layer: Module,
  inputs: readonly LoweredValue[],
  op: string,
  { constants = () => [], attrs = {}, maxInputBits = 8 }: { constants?: () => string[]; attrs?: Record<string, number>; maxInputBits?: 8 | 16 } = {},
): LoweredValue {
  if (inputs.length !== 1) ctx.fail(`${layer.kind} takes one input, got ${inputs.length}`);
  const x = inputs[0];
  const wide = x.dtype === 'int16' && maxInputBits === 16;
  if (!x.quant || !(x.dtype === 'int8' || wide)) {
    ctx.fail(`integer-only ${layer.kind} computes on its input's codes: it needs the ${maxInputBits === 16 ? 'int8 or int16' : 'int8'} output of a quantized layer, got ${x.dtype}`);
  }
  const quant = ctx.activationQuant(layer, 'output');
  const [name] = ctx.builder.node(op, [x.name, ...constants()], attrs, [{ name: ctx.name(op), dtype: 'int8', quant }]);
  return { name, dtype: 'int8', quant };
}
