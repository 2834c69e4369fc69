// Elementwise ops: quantize (float32 -> int8), dequantize (int8 -> float32), add of two int8
// tensors with their own scales. Output may be the same tensor as an input (in place).
import type { KernelContext } from '../context.ts';
import { checkClamp, checkQuantParams, requantMultiplier, type CodeClamp, type TensorQuant } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { bindBinaryS8 } from './binary-s8.ts';
import { checkShapeEquals, checkTensor, fail } from '../validate.ts';

/** y = clamp(roundHalfEven(x / scale) + zeroPoint, clamp.min, clamp.max); NaN gives clamp.min. */
export function quantize(ctx: KernelContext, x: WasmTensor<'float32'>, y: WasmTensor<'int8'>, q: TensorQuant, clamp?: CodeClamp): void {
  bindQuantize(ctx, x, y, q, clamp)();
}

/** Checks everything once and returns the kernel call (for a plan that runs it many times). */
export function bindQuantize(ctx: KernelContext, x: WasmTensor<'float32'>, y: WasmTensor<'int8'>, q: TensorQuant, clamp?: CodeClamp): () => void {
  const op = 'quantize';
  checkTensor(op, 'x', x, ctx, 'float32');
  checkTensor(op, 'y', y, ctx, 'int8');
  checkShapeEquals(op, 'y', y.shape, x.shape);
  checkQuantParams(op, 'params', q);
  const { lo, hi } = checkClamp(op, clamp);
  const scale = requantMultiplier(op, q.scale, 1, 1); // f32(scale), checked to be a normal float32
  const [n, xp, yp, zp] = [x.size, x.byteOffset, y.byteOffset, q.zeroPoint];
  return () => ctx.raw.quantize_f32_s8_fp32(n, xp, yp, scale, zp, lo, hi);
}

/** y = (x - zeroPoint) * scale in float32. */
export function dequantize(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'float32'>, q: TensorQuant): void {
  bindDequantize(ctx, x, y, q)();
}

/** Checks everything once and returns the kernel call. */
export function bindDequantize(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'float32'>, q: TensorQuant): () => void {
  const op = 'dequantize';
  checkTensor(op, 'x', x, ctx, 'int8');
  checkTensor(op, 'y', y, ctx, 'float32');
  checkShapeEquals(op, 'y', y.shape, x.shape);
  checkQuantParams(op, 'params', q);
  const [n, xp, yp, m, zp] = [x.size, x.byteOffset, y.byteOffset, requantMultiplier(op, q.scale, 1, 1), q.zeroPoint];
  return () => ctx.raw.dequantize_s8_f32(n, xp, yp, m, zp);
}

export interface AddParams {
  readonly a: TensorQuant;
  readonly b: TensorQuant;
  readonly output: TensorQuant;
  readonly clamp?: CodeClamp;
}

/** out = clamp(roundHalfEven((a - zp_a) * s_a / s_out + (b - zp_b) * s_b / s_out) + zp_out); numpy broadcasting. */
export function add(ctx: KernelContext, a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'>, params: AddParams): void {
  bindAdd(ctx, a, b, out, params)();
}

/** Checks everything once and returns the kernel call; shapes that differ broadcast (binary-s8.ts). */
export function bindAdd(ctx: KernelContext, a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'>, params: AddParams): () => void {
  const op = 'add';
  if (params === null || typeof params !== 'object') fail(op, 'params must be { a, b, output, clamp? }');
  checkTensor(op, 'a', a, ctx, 'int8');
  checkTensor(op, 'b', b, ctx, 'int8');
  checkTensor(op, 'out', out, ctx, 'int8');
  if (!sameShape(a.shape, b.shape)) return bindBinaryS8(ctx, 'add', a, b, out, params);
  checkShapeEquals(op, 'out', out.shape, a.shape);
  const qa = checkQuantParams(op, 'params.a', params.a);
  const qb = checkQuantParams(op, 'params.b', params.b);
  const qo = checkQuantParams(op, 'params.output', params.output);
  const { lo, hi } = checkClamp(op, params.clamp);
  const mA = requantMultiplier(op, qa.scale, 1, qo.scale);
  const mB = requantMultiplier(op, qb.scale, 1, qo.scale);
  const [n, ap, bp, outp] = [a.size, a.byteOffset, b.byteOffset, out.byteOffset];
  return () => ctx.raw.add_s8s8_fp32(n, ap, bp, outp, qa.zeroPoint, mA, qb.zeroPoint, mB, qo.zeroPoint, lo, hi);
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
