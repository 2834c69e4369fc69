// MaxPoolGrad for tfjs-backend-wasm, replacing its own, which is wrong: tfjs-backend-wasm 4.22
// starts each window's running maximum at FLT_MIN (the smallest positive float, not -FLT_MAX), so a
// window whose values are all <= 0 never records its maximum and its gradient is lost (or lands on
// flat element 0); and it keeps the last of equal maxima where TensorFlow and tfjs-backend-cpu keep
// the first. This loop follows tfjs-backend-cpu: running max from -Infinity, strictly greater wins,
// windows scanned row by row; a window with no value > -Infinity (all -Infinity or NaN) passes none.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { WasmHeap } from './wasm-heap.ts';

const NAME = 'MaxPoolGrad';

type PoolInfoArgs = Parameters<typeof tf.backend_util.computePool2DInfo>;
type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/**
 * dx for max pooling: each window's dy added at the first position holding the window's maximum.
 * One output row at a time: its windows' running maxima are updated input row by input row.
 */
export function maxPoolGradFirstMax(x: Float32Array, dy: Float32Array, dx: Float32Array, p: PoolInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = p;
  const best = new Float32Array(ow * c);
  const where = new Int32Array(ow * c);
  const colStart = new Int32Array(ow);
  const colEnd = new Int32Array(ow);
  for (let q = 0; q < ow; q++) {
    const c0 = q * p.strideWidth - p.padInfo.left;
    colStart[q] = Math.max(0, c0);
    colEnd[q] = Math.min(w, c0 + p.filterWidth);
  }
  dx.fill(0);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < oh; o++) {
      const r0 = o * p.strideHeight - p.padInfo.top;
      best.fill(-Infinity);
      where.fill(-1);
      for (let r = Math.max(0, r0); r < Math.min(h, r0 + p.filterHeight); r++) {
        const rowBase = (b * h + r) * w;
        for (let q = 0; q < ow; q++) {
          const window = q * c;
          for (let s = colStart[q]; s < colEnd[q]; s++) {
            const base = (rowBase + s) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (v > best[window + k]) {
                best[window + k] = v;
                where[window + k] = base + k;
              }
            }
          }
        }
      }
      const dyRow = (b * oh + o) * ow * c;
      for (let i = 0; i < ow * c; i++) if (where[i] >= 0) dx[where[i]] += dy[dyRow + i];
    }
  }
}

export const maxPoolGradFirstMaxKernel: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const a = (attrs ?? {}) as NamedAttrMap;
  if (input.shape.length !== 4 || dy.shape.length !== 4) {
    throw new WasmTrainingError(`${NAME} on wasm: expected rank-4 input and dy, got [${input.shape}] and [${dy.shape}]`);
  }
  const p = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize as PoolInfoArgs[1],
    a.strides as PoolInfoArgs[2],
    1,
    a.pad as PoolInfoArgs[4],
    a.dimRoundingMode as PoolInfoArgs[5],
  );
  if (p.outShape.some((d, i) => d !== dy.shape[i])) {
    throw new WasmTrainingError(`${NAME} on wasm: dy has shape [${dy.shape}] but the pool's output shape is [${p.outShape}]`);
  }
  const heap = new WasmHeap(backend, NAME);
  const dx = heap.alloc(input.shape);
  maxPoolGradFirstMax(heap.view(input), heap.view(dy), heap.view(dx), p);
  return dx;
};
