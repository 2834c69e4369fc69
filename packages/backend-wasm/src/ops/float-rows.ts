// The f32x4 kernels of the transformer's float ops (assembly/float/rows-f32x4.ts): layerNorm,
// softmax (scale, causal) and gelu (tanh form), between a dequantize and a quantize. Within
// FLOAT_REDUCTION_TOLERANCE (layerNorm, softmax) and FLOAT_KERNEL_TOLERANCE (gelu) of the
// reference interpreter (@qatjs/ir). Each bind checks its tensors once and returns the call.
import type { KernelContext } from '../context.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkShapeEquals, checkTensor, fail } from '../validate.ts';

type F32 = WasmTensor<'float32'>;

function checkPair(ctx: KernelContext, op: string, x: F32, y: F32): void {
  checkTensor(op, 'x', x, ctx, 'float32');
  checkTensor(op, 'y', y, ctx, 'float32');
  checkShapeEquals(op, 'y', y.shape, x.shape);
}

/**
 * layerNorm over the last axis of x (its size d = gamma's length); gamma and beta are byte offsets of
 * d float32 each in the kernels' memory (the step uploads them once). y may be x.
 */
export function bindLayerNormF32(ctx: KernelContext, x: F32, y: F32, d: number, gamma: number, beta: number, eps: number): () => void {
  checkPair(ctx, 'layerNorm', x, y);
  if (!(Number.isSafeInteger(d) && d > 0 && x.shape[x.shape.length - 1] === d)) fail('layerNorm', `x [${x.shape.join(', ')}] must have rows of ${d}`);
  if (!(eps > 0 && Number.isFinite(eps))) fail('layerNorm', `eps must be finite and > 0, got ${eps}`);
  const [rows, xp, yp] = [x.size / d, x.byteOffset, y.byteOffset];
  return () => ctx.raw.layer_norm_f32x4(rows, d, xp, gamma, beta, eps, yp);
}

/** softmax over the last axis of x [..., t, s]: scale > 0 applied first, causal rows see j <= i + s - t. y may be x. */
export function bindSoftmaxF32(ctx: KernelContext, x: F32, y: F32, scale: number, causal: boolean): () => void {
  checkPair(ctx, 'softmax', x, y);
  const r = x.shape.length;
  if (r < 2) fail('softmax', `x must have rank >= 2 [..., T, S], got [${x.shape.join(', ')}]`);
  if (!(scale > 0 && Number.isFinite(scale))) fail('softmax', `scale must be finite and > 0, got ${scale}`);
  const [t, s] = [x.shape[r - 2], x.shape[r - 1]];
  const [rows, xp, yp, c] = [s === 0 ? 0 : x.size / s, x.byteOffset, y.byteOffset, causal ? 1 : 0];
  return () => ctx.raw.softmax_f32x4(rows, t, s, scale, c, xp, yp);
}

/** gelu (tanh form), elementwise. y may be x. */
export function bindGeluF32(ctx: KernelContext, x: F32, y: F32): () => void {
  checkPair(ctx, 'gelu', x, y);
  const [n, xp, yp] = [x.size, x.byteOffset, y.byteOffset];
  return () => ctx.raw.gelu_f32x4(n, xp, yp);
}
