// UnsortedSegmentSum for tfjs-backend-wasm, which lacks it. tfjs's gather gradient (an embedding's
// weight gradient) is an UnsortedSegmentSum of the incoming rows by token id, so without it every
// model with an embedding fails to train on 'wasm'. x [...ids.shape, ...inner] -> out [numSegments,
// ...inner]: out[s] = sum of the rows x[i] with ids[i] = s, in the order of i (ids outside
// [0, numSegments) are dropped, as TensorFlow does).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { WasmHeap } from './wasm-heap.ts';

/** out (zeroed here) += x's rows by segment id; `inner` floats per row. */
export function segmentSumRows(x: Float32Array, ids: ArrayLike<number>, inner: number, numSegments: number, out: Float32Array): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

/** Our UnsortedSegmentSum (float32 data, int32 segment ids whose shape leads x's). */
export const unsortedSegmentSumRows: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  const ids = args.inputs.segmentIds as TensorInfo;
  const numSegments = args.attrs?.numSegments as number;
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new WasmTrainingError(`UnsortedSegmentSum on wasm: numSegments must be an integer >= 0, got ${String(numSegments)}`);
  if (x.dtype !== 'float32') throw new WasmTrainingError(`UnsortedSegmentSum on wasm: x must be float32, got ${x.dtype}`);
  if (ids.dtype !== 'int32') throw new WasmTrainingError(`UnsortedSegmentSum on wasm: segmentIds must be int32, got ${ids.dtype}`);
  if (ids.shape.some((d, i) => d !== x.shape[i])) {
    throw new WasmTrainingError(`UnsortedSegmentSum on wasm: segmentIds [${ids.shape}] must be a prefix of x's shape [${x.shape}]`);
  }
  const inner = x.shape.slice(ids.shape.length).reduce((p, d) => p * d, 1);
  const heap = new WasmHeap(args.backend, 'UnsortedSegmentSum');
  const out = heap.alloc([numSegments, ...x.shape.slice(ids.shape.length)]);
  segmentSumRows(heap.view(x), heap.numericView(ids), inner, numSegments, heap.view(out));
  return out;
};
