// UnsortedSegmentSum for tfjs-backend-wasm, which lacks it. tfjs's GatherV2 gradient (an embedding
// table's gradient) sums the gathered rows' gradients back into their rows with it. One pass over
// the rows of x: row i is added to output row segmentIds[i]; ids outside [0, numSegments) add
// nothing, as tfjs-backend-cpu's kernel does.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { WasmHeap } from './wasm-heap.ts';

/** out[s, :] = sum of x[i, :] over the rows i with ids[i] = s (out zeroed first). */
export function segmentSumRows(x: Float32Array | Int32Array, ids: Int32Array, inner: number, out: Float32Array | Int32Array): void {
  out.fill(0);
  const segments = out.length / Math.max(inner, 1);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= segments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

export const unsortedSegmentSumRows: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  const ids = args.inputs.segmentIds as TensorInfo;
  const numSegments = args.attrs?.numSegments as number;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new WasmTrainingError(`UnsortedSegmentSum on wasm: x must be float32 or int32, got ${x.dtype}`);
  if (ids.dtype !== 'int32' || ids.shape.length !== 1 || ids.shape[0] !== x.shape[0]) {
    throw new WasmTrainingError(`UnsortedSegmentSum on wasm: segmentIds must be int32 [${x.shape[0]}] (one per row of x [${x.shape}]), got ${ids.dtype} [${ids.shape}]`);
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new WasmTrainingError(`UnsortedSegmentSum on wasm: numSegments must be an integer >= 0, got ${numSegments}`);
  const inner = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const heap = new WasmHeap(args.backend, 'UnsortedSegmentSum');
  const out = heap.alloc([numSegments, ...x.shape.slice(1)], x.dtype);
  segmentSumRows(heap.numericView(x) as Float32Array | Int32Array, heap.numericView(ids) as Int32Array, inner, heap.numericView(out) as Float32Array | Int32Array);
  return out;
};
