import { broadcastShapes, formatShape } from '../shape.ts';
import type { AttrSpec, Inferred, InputSpec, OpContext, OutputSpec } from './schema.ts';
import { hasAttr, input } from './schema.ts';

// What the binary elementwise ops (add, mul) share: two values of one family (both quantized codes
// with a quantized output: int8/uint8, and for add also int16; or all float32), numpy broadcasting,
// and a clamp exactly when quantized.

const ANY_ACTIVATION = ['int8', 'uint8', 'float32'] as const;
/** add also takes and gives int16 codes (a 16-bit residual stream), mixed freely with int8/uint8. */
const ADD_ACTIVATION = ['int8', 'uint8', 'int16', 'float32'] as const;
export const ADD_INPUTS: readonly InputSpec[] = [
  { name: 'a', kind: 'activation', dtypes: ADD_ACTIVATION },
  { name: 'b', kind: 'activation', dtypes: ADD_ACTIVATION },
];
export const ADD_OUTPUT: readonly OutputSpec[] = [{ name: 'y', dtypes: ADD_ACTIVATION }];
export const BINARY_INPUTS: readonly InputSpec[] = [
  { name: 'a', kind: 'activation', dtypes: ANY_ACTIVATION },
  { name: 'b', kind: 'activation', dtypes: ANY_ACTIVATION },
];
export const ANY_OUTPUT: readonly OutputSpec[] = [{ name: 'y', dtypes: ANY_ACTIVATION }];
/** Required on int8/uint8 nodes, absent on float32 ones (checked by binaryElementwise). */
export const OPTIONAL_CLAMP: AttrSpec = { kind: 'clamp', optional: true };

/**
 * Checks a binary elementwise node and returns y's shape (and dtype float32 for the float form):
 * a and b both int8/uint8 (y int8/uint8, clamp present) or both float32 (y float32, no clamp); shapes
 * broadcast numpy-style (shape.broadcastShapes: a run-time size matches only itself or 1).
 */
export function binaryElementwise(ctx: OpContext, op: string): { float: boolean; inferred: Inferred } {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const float = a.dtype === 'float32';
  if ((b.dtype === 'float32') !== float) {
    ctx.fail('inputs', `${op} takes a and b both quantized (codes) or both float32; '${a.name}' is ${a.dtype}, '${b.name}' is ${b.dtype}`);
  }
  const y = ctx.outputs?.[0];
  if (y !== undefined && (y.dtype === 'float32') !== float) {
    ctx.fail('outputs[0]', `a ${float ? 'float32' : 'quantized'} ${op} gives ${float ? 'float32' : 'codes'}; '${y.name}' is ${y.dtype}`);
  }
  if (float && hasAttr(ctx, 'clamp')) ctx.fail('attrs.clamp', `a float32 ${op} has no clamp (clamps are in codes of a quantized output)`);
  if (!float && !hasAttr(ctx, 'clamp')) ctx.fail('attrs.clamp', `a quantized ${op} needs attribute clamp: a clamp [lo, hi] of output codes`);
  const shape = broadcastShapes(a.shape, b.shape);
  if (typeof shape === 'string') ctx.fail('inputs', `a ${formatShape(a.shape)} and b ${formatShape(b.shape)} do not broadcast: ${shape}`);
  return { float, inferred: float ? { shape, dtype: 'float32' } : { shape } };
}
