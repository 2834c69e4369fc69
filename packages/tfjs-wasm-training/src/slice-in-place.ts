// Slice, SplitV and Unpack for tfjs-backend-wasm, replacing its own, which copy their WHOLE input out
// of the heap (readSync) for every output before taking the part they need. A recurrent layer slices
// per time step: an LSTM's T per-step slices of a [T, B, I] tensor copied it T times, and Unpack,
// SplitV and the gate split of every step dominated an LSTM training step (Unpack alone ~1 s of a
// 5 s char-LSTM step, hidden 256, T = 64). These read the input in place and copy only the slice.
import { backend_util, slice_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { WasmHeap, type NumericDType } from './wasm-heap.ts';

type Numeric = Float32Array | Int32Array | Uint8Array;

const NUMERIC = new Set(['float32', 'int32', 'bool']);

/** Copies the box [begin, begin + size) of a row-major `shape` tensor x into out, one contiguous run at a time. */
export function copyBox(x: Numeric, shape: readonly number[], begin: readonly number[], size: readonly number[], out: Numeric): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0];
    return;
  }
  if (size.some((s) => s === 0)) return;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  // the outermost axis k from which on the box is contiguous in x
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const run = size[k] * strides[k];
  let o = 0;
  const walk = (axis: number, offset: number): void => {
    if (axis === k) {
      const start = offset + begin[k] * strides[k];
      out.set(x.subarray(start, start + run), o);
      o += run;
      return;
    }
    for (let i = 0; i < size[axis]; i++) walk(axis + 1, offset + (begin[axis] + i) * strides[axis]);
  };
  walk(0, 0);
}

/** One slice of x as a new heap tensor of `outShape` (the box's shape, or it without a unit axis). */
function sliceOut(heap: WasmHeap, x: TensorInfo, begin: readonly number[], size: readonly number[], outShape: readonly number[]): TensorInfo {
  const out = heap.alloc(outShape, x.dtype as NumericDType);
  // views after the allocation, which may grow the heap
  copyBox(heap.numericView(x), x.shape, begin, size, heap.numericView(out));
  return out;
}

export function sliceInPlace(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!NUMERIC.has(x.dtype)) return stock(args);
    const [begin, size] = slice_util.parseSliceParams(x, args.attrs?.begin as number[], args.attrs?.size as number[]);
    slice_util.assertParamsValid(x, begin, size);
    return sliceOut(new WasmHeap(args.backend, 'Slice'), x, begin, size, size);
  };
}

export function splitVInPlace(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!NUMERIC.has(x.dtype)) return stock(args);
    const axis = util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, args.attrs?.numOrSizeSplits as number[] | number, axis);
    const heap = new WasmHeap(args.backend, 'SplitV');
    let at = 0;
    return sizes.map((s) => {
      const begin = x.shape.map((_, i) => (i === axis ? at : 0));
      const size = x.shape.map((d, i) => (i === axis ? s : d));
      at += s;
      return sliceOut(heap, x, begin, size, size);
    });
  };
}

export function unpackInPlace(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.value as TensorInfo;
    if (!NUMERIC.has(x.dtype)) return stock(args);
    const axis = util.parseAxisParam(args.attrs?.axis as number, x.shape)[0];
    const heap = new WasmHeap(args.backend, 'Unpack');
    const outShape = x.shape.filter((_, i) => i !== axis);
    return Array.from({ length: x.shape[axis] }, (_, j) => {
      const begin = x.shape.map((_, i) => (i === axis ? j : 0));
      const size = x.shape.map((d, i) => (i === axis ? 1 : d));
      return sliceOut(heap, x, begin, size, outShape);
    });
  };
}
