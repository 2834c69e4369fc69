// BatchMatMul for tfjs-backend-wasm, wrapping its own. That kernel uses XNNPACK only when neither
// operand is transposed and the batch is 1; otherwise it runs a scalar blocked loop, measured ~20x
// slower. The gradients of a dense layer are exactly such products (dx = dy w^T, dw = x^T dy), so
// here a transposed operand is transposed once in memory and the product takes the XNNPACK path.
// Batched products (batch > 1) go slice by slice to the same path (batch-matmul-per-slice.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { batchMatMulPerSlice } from './batch-matmul-per-slice.ts';
import { reshaped, WasmHeap, withTemporaries } from './wasm-heap.ts';

const batchOf = (t: TensorInfo) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);

export function batchMatMulTransposeFirst(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = Boolean(args.attrs?.transposeA);
    const transposeB = Boolean(args.attrs?.transposeB);
    const plain = !transposeA && !transposeB;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return stock(args);
    const [ba, bb] = [batchOf(a), batchOf(b)];
    if (ba > 1 || bb > 1) return ba === bb || ba === 1 || bb === 1 ? batchMatMulPerSlice(stock, args) : stock(args);
    if (plain) return stock(args);
    const heap = new WasmHeap(args.backend, 'BatchMatMul');
    const matrix = (t: TensorInfo): [number, number] => [t.shape[t.shape.length - 2], t.shape[t.shape.length - 1]];
    return withTemporaries(heap, (temp) => {
      const flip = (t: TensorInfo) => {
        const [r, c] = matrix(t);
        return temp(heap.run('Transpose', { x: reshaped(t, [r, c]) }, { perm: [1, 0] }));
      };
      const a2 = transposeA ? flip(a) : reshaped(a, matrix(a));
      const b2 = transposeB ? flip(b) : reshaped(b, matrix(b));
      const out = stock({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
      const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return reshaped(out, [...outer, ...out.shape.slice(-2)]);
    });
  };
}
