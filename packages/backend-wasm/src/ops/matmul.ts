// Activation x activation matmul (attention's Q.K^T and P.V): both operands are int8 tensors in
// WASM memory, so B is packed into the scratch on every call (its columns centred by zp_b).
import { Scratch, type KernelContext } from '../context.ts';
import { checkClamp, checkQuantParams, requantMultiplier, type CodeClamp, type TensorQuant } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkTensor, fail } from '../validate.ts';
import { checkAccumulatorRange, maxCentered, packedRhsBytes, packRhsInto, runGemm, type GemmOutput } from './gemm-core.ts';

export interface MatMulParams {
  readonly a: TensorQuant;
  readonly b: TensorQuant;
  /** int8 output with these parameters, or 'int32' for the raw accumulators. */
  readonly output: TensorQuant | 'int32';
  /** B given as [..., n, k] (e.g. K in Q.K^T). Default false: [..., k, n]. */
  readonly transposeB?: boolean;
  readonly clamp?: CodeClamp;
}

const dims = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * out[..., m, n] = a[..., m, k] . b[..., k, n]. Leading (batch) dimensions of a and out must match;
 * b has the same batch dimensions, or none (one B for every batch).
 */
export function matmul(
  ctx: KernelContext, a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'> | WasmTensor<'int32'>, params: MatMulParams,
): void {
  bindMatmul(ctx, a, b, out, params)();
}

/** Checks everything once and returns the computation (B is packed on every call: it is an activation). */
export function bindMatmul(
  ctx: KernelContext, a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'> | WasmTensor<'int32'>, params: MatMulParams,
): () => void {
  const op = 'matmul';
  if (params === null || typeof params !== 'object') fail(op, 'params must be { a, b, output, transposeB?, clamp? }');
  const qa = checkQuantParams(op, 'params.a', params.a);
  const qb = checkQuantParams(op, 'params.b', params.b);
  const int8Out = params.output !== 'int32';
  checkTensor(op, 'a', a, ctx, 'int8');
  checkTensor(op, 'b', b, ctx, 'int8');
  checkTensor(op, 'out', out, ctx, int8Out ? 'int8' : 'int32');
  if (out === (a as WasmTensor) || out === (b as WasmTensor)) fail(op, 'the output must not be one of the inputs');
  if (a.shape.length < 2 || b.shape.length < 2) fail(op, `a and b need rank >= 2, got ${dims(a.shape)} and ${dims(b.shape)}`);
  const [m, k] = a.shape.slice(-2);
  const batch = a.shape.slice(0, -2);
  const tb = params.transposeB === true;
  const [bk, n] = tb ? [b.shape[b.shape.length - 1], b.shape[b.shape.length - 2]] : b.shape.slice(-2);
  if (bk !== k) fail(op, `inner dimensions differ: a ${dims(a.shape)}, b ${dims(b.shape)}${tb ? ' (transposed)' : ''}`);
  const bBatch = b.shape.slice(0, -2);
  const sharedB = bBatch.length === 0;
  if (!sharedB && (bBatch.length !== batch.length || bBatch.some((d, i) => d !== batch[i]))) {
    fail(op, `batch dimensions differ: a ${dims(a.shape)}, b ${dims(b.shape)}`);
  }
  const outShape = [...batch, m, n];
  if (out.shape.length !== outShape.length || out.shape.some((d, i) => d !== outShape[i])) fail(op, `out must have shape ${dims(outShape)}, got ${dims(out.shape)}`);
  if (k === 0) fail(op, 'k must be at least 1');
  checkAccumulatorRange(op, k, maxCentered(qa.zeroPoint), maxCentered(qb.zeroPoint), 0);
  let gemmOut: GemmOutput = { dtype: 'int32' };
  let mult = 0;
  if (params.output !== 'int32') {
    const qo = checkQuantParams(op, 'params.output', params.output);
    gemmOut = { dtype: 'int8', zeroPoint: qo.zeroPoint, ...checkClamp(op, params.clamp) };
    mult = requantMultiplier(op, qa.scale, qb.scale, qo.scale);
  } else if (params.clamp !== undefined) fail(op, 'clamp applies to int8 output only');
  const batches = batch.reduce((p, d) => p * d, 1);
  if (batches === 0 || m === 0 || n === 0) return () => {};
  const [ap, bp, cp] = [a.byteOffset, b.byteOffset, out.byteOffset];
  const outBytes = int8Out ? 1 : 4;
  return () => {
    // Per-column zero points and multipliers of B (bias none), then the packed B.
    const table = ctx.scratch(Scratch.Params, 8 * n);
    new Int32Array(ctx.memory.buffer, table, n).fill(qb.zeroPoint);
    new Float32Array(ctx.memory.buffer, table + 4 * n, n).fill(mult);
    const packed = ctx.scratch(Scratch.Aux, packedRhsBytes(k, n));
    for (let i = 0; i < batches; i++) {
      if (i === 0 || !sharedB) {
        const src = bp + i * k * n;
        packRhsInto(ctx, k, n, tb ? { ptr: src, strideK: 1, strideN: k } : { ptr: src, strideK: n, strideN: 1 }, table, 0, table + 4 * n, packed);
      }
      runGemm(ctx, m, n, k, ap + i * m * k, k, qa.zeroPoint, 'dot16', packed, cp + i * m * n * outBytes, gemmOut);
    }
  };
}
