// float32 elementwise ops between dequantize and quantize: exp, sigmoid, tanh (within 4 ulp or 1e-7
// absolute of the float64 function rounded to float32, NaN in gives NaN out), and add / mul with
// broadcasting (exact: fround(a + b), fround(a * b)). docs/numerics.md.
import type { KernelContext } from '../context.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkShapeEquals, checkTensor, fail } from '../validate.ts';
import { broadcastCall, checkBroadcast } from './broadcast.ts';
import { valueText } from '../errors.ts';

export type FloatUnaryOp = 'exp' | 'sigmoid' | 'tanh';
export type FloatBinaryOp = 'add' | 'mul';

const UNARY: Record<FloatUnaryOp, number> = { exp: 0, sigmoid: 1, tanh: 2 };
const BINARY: Record<FloatBinaryOp, number> = { add: 0, mul: 1 };

/** Checks x and y (same shape; y may be x) once and returns the kernel call. */
export function bindUnaryF32(ctx: KernelContext, op: FloatUnaryOp, x: WasmTensor<'float32'>, y: WasmTensor<'float32'>): () => void {
  if (!Object.hasOwn(UNARY, op)) fail('unaryF32', `op must be one of ${Object.keys(UNARY).join(', ')}, got ${valueText(op)}`);
  checkTensor(op, 'x', x, ctx, 'float32');
  checkTensor(op, 'y', y, ctx, 'float32');
  checkShapeEquals(op, 'y', y.shape, x.shape);
  const [code, n, xp, yp] = [UNARY[op], x.size, x.byteOffset, y.byteOffset];
  return () => ctx.raw.unary_f32(code, n, xp, yp);
}

/** Checks a, b and out (the broadcast shape; out may be a or b when it has their shape) and returns the call. */
export function bindBinaryF32(ctx: KernelContext, op: FloatBinaryOp, a: WasmTensor<'float32'>, b: WasmTensor<'float32'>, out: WasmTensor<'float32'>): () => void {
  if (!Object.hasOwn(BINARY, op)) fail('binaryF32', `op must be add or mul, got ${valueText(op)}`);
  const l = checkBroadcast(`${op} (float32)`, ctx, 'float32', a, b, out);
  const code = BINARY[op];
  return broadcastCall(l, 4, a.byteOffset, b.byteOffset, out.byteOffset, (...args) => ctx.raw.binary_f32(code, ...args));
}
