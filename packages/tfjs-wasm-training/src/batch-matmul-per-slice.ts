// Batched BatchMatMul (batch > 1, attention's q k^T and p v and their gradients) for
// tfjs-backend-wasm. Its own kernel runs a scalar blocked loop for any batch > 1, measured ~0.3 GMAC/s
// ([128, 64, 64] x [128, 64, 32]: 52 ms); here each batch slice is copied out and multiplied by the
// backend's batch-1 XNNPACK path, transposed operands transposed once in memory first.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { reshaped, WasmHeap, withTemporaries } from './wasm-heap.ts';

const batchOf = (t: TensorInfo) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);

/** The product slice by slice; `stock` multiplies one [M, K] x [K, N] pair (batch 1, no transpose). */
export function batchMatMulPerSlice(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const heap = new WasmHeap(args.backend, 'BatchMatMul');
  const [ba, bb] = [batchOf(a), batchOf(b)];
  const batch = Math.max(ba, bb);
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return withTemporaries(heap, (temp) => {
    // [batch, rows, cols] without transposition
    const plain = (t: TensorInfo, transposed: boolean, n: number): { info: TensorInfo; rows: number; cols: number } => {
      const [r, c] = t.shape.slice(-2);
      const x3 = reshaped(t, [n, r, c]);
      return transposed ? { info: temp(heap.run('Transpose', { x: x3 }, { perm: [0, 2, 1] } as NamedAttrMap)), rows: c, cols: r } : { info: x3, rows: r, cols: c };
    };
    const A = plain(a, transposeA, ba);
    const B = plain(b, transposeB, bb);
    const [m, k, n] = [A.rows, A.cols, B.cols];
    const out = heap.alloc([...outer, m, n]);
    const sa = temp(heap.alloc([m, k]));
    // The backend packs b for XNNPACK once per tensor (keyed by its data): a new b for every slice.
    let sb: TensorInfo | undefined;
    try {
      for (let i = 0; i < batch; i++) {
        const ia = ba === 1 ? 0 : i;
        const ib = bb === 1 ? 0 : i;
        if (i === 0 || ba !== 1) heap.view(sa).set(heap.view(A.info).subarray(ia * m * k, (ia + 1) * m * k));
        if (i === 0 || bb !== 1) {
          heap.free(sb);
          sb = heap.alloc([k, n]);
          heap.view(sb).set(heap.view(B.info).subarray(ib * k * n, (ib + 1) * k * n));
        }
        const r = stock({ ...args, inputs: { a: sa, b: sb as TensorInfo }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
        heap.view(out).set(heap.view(r), i * m * n);
        heap.free(r);
      }
    } finally {
      heap.free(sb);
    }
    return out;
  });
}
