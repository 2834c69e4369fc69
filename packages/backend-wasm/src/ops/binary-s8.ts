// int8 add and mul with numpy broadcasting (assembly/eltwise/binary-s8s8-fp32.ts), fp32 requantized
// exactly as @qatjs/ir's reference (docs/numerics.md):
//   add: v = f32(f32((a - zp_a) * m_a) + f32((b - zp_b) * m_b)), m_a = f32(s_a / s_y), m_b = f32(s_b / s_y)
//   mul: v = f32(f32((a - zp_a) * (b - zp_b)) * m), m = f32(s_a * s_b / s_y)
// y = clamp(roundHalfEven(v) + zp_y, lo, hi). Same-shape add keeps its own kernel (eltwise.ts).
import type { KernelContext } from '../context.ts';
import { checkClamp, checkQuantParams, requantMultiplier, type CodeClamp, type TensorQuant } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { fail } from '../validate.ts';
import { broadcastCall, checkBroadcast } from './broadcast.ts';

export interface BinaryParams {
  readonly a: TensorQuant;
  readonly b: TensorQuant;
  readonly output: TensorQuant;
  readonly clamp?: CodeClamp;
}

/** Checks everything once and returns the kernel call; out has the broadcast shape of a and b. */
export function bindBinaryS8(
  ctx: KernelContext, op: 'add' | 'mul', a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'>, params: BinaryParams,
): () => void {
  if (params === null || typeof params !== 'object') fail(op, 'params must be { a, b, output, clamp? }');
  const l = checkBroadcast(op, ctx, 'int8', a, b, out);
  const qa = checkQuantParams(op, 'params.a', params.a);
  const qb = checkQuantParams(op, 'params.b', params.b);
  const qo = checkQuantParams(op, 'params.output', params.output);
  const { lo, hi } = checkClamp(op, params.clamp);
  const [code, mA, mB] = op === 'add'
    ? [0, requantMultiplier(op, qa.scale, 1, qo.scale), requantMultiplier(op, qb.scale, 1, qo.scale)]
    : [1, requantMultiplier(op, qa.scale, qb.scale, qo.scale), 0];
  const [za, zb, zo] = [qa.zeroPoint, qb.zeroPoint, qo.zeroPoint];
  return broadcastCall(l, 1, a.byteOffset, b.byteOffset, out.byteOffset, (...args) => ctx.raw.binary_s8s8_fp32(code, ...args, za, mA, zb, mB, zo, lo, hi));
}
