// Conv2DBackpropFilter for tfjs-backend-wasm, which has none. The filter gradient
//   dw[i, j, ci, co] = sum over b, o, p of x[b, o*s + i*d - pad, p*s + j*d - pad, ci] * dy[b, o, p, co]
// is one forward conv (XNNPACK) with batch and channels swapped; one of x and dy plays the filter.
// XNNPACK repacks that filter on every call, which costs about as much as the arithmetic, so the
// smaller one should play it:
// - dy as the filter (always possible): input x as [ci, h, w, b], filter dy as [oh, ow, b, co],
//   stride d and dilation s (see swappedAxis); output [ci, kh, kw, co].
// - x as the filter (stride 1, dilation 1, padding within the filter): input dy as [co, oh, ow, b],
//   filter x as [h, w, b, ci]; output [co, kh, kw, ci] with the taps reversed. Used when x has
//   fewer channels, at least 8 (XNNPACK computes output channels in groups of 8).
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { convAxes, shapeAttr, swappedAxis, xAsFilterAxis, type ConvAxis } from './conv-geometry.ts';
import { reversedTapsToFilter } from './rearrange.ts';
import { WasmHeap, withTemporaries } from './wasm-heap.ts';

const NAME = 'Conv2DBackpropFilter';
const MIN_CHANNELS_X_AS_FILTER = 8;

function convAttrs(strides: number[], dilations: number[], pad: number[][]): NamedAttrMap {
  return { strides, dilations, pad, dataFormat: 'NHWC' } as unknown as NamedAttrMap;
}

function dyAsFilter(heap: WasmHeap, x: TensorInfo, dy: TensorInfo, filterShape: number[], rows: ConvAxis, cols: ConvAxis): TensorInfo {
  const sr = swappedAxis(rows);
  const sc = swappedAxis(cols);
  if (sr.inputRows <= 0 || sc.inputRows <= 0) return heap.zeros(filterShape); // every tap reads padding only
  const [n, h, w, ci] = x.shape;
  return withTemporaries(heap, (temp) => {
    let xs = x;
    if (sr.inputRows < h || sc.inputRows < w) {
      xs = temp(heap.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [n, sr.inputRows, sc.inputRows, ci] }));
    }
    const xT = temp(heap.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] }));
    const dyT = temp(heap.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
    const pad = [[0, 0], [sr.padBefore, sr.padAfter], [sc.padBefore, sc.padAfter], [0, 0]];
    const grad = temp(heap.run('Conv2D', { x: xT, filter: dyT }, convAttrs([rows.dilation, cols.dilation], [rows.stride, cols.stride], pad)));
    if (grad.shape[1] !== filterShape[0] || grad.shape[2] !== filterShape[1]) {
      throw new WasmTrainingError(`${NAME} on wasm: internal geometry error, [${grad.shape}] for filter [${filterShape}]`);
    }
    return heap.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  });
}

function xAsFilter(heap: WasmHeap, x: TensorInfo, dy: TensorInfo, filterShape: number[], rows: ConvAxis, cols: ConvAxis): TensorInfo {
  const xr = xAsFilterAxis(rows)!;
  const xc = xAsFilterAxis(cols)!;
  return withTemporaries(heap, (temp) => {
    const dyT = temp(heap.run('Transpose', { x: dy }, { perm: [3, 1, 2, 0] }));
    const xT = temp(heap.run('Transpose', { x }, { perm: [1, 2, 0, 3] }));
    const pad = [[0, 0], [xr.padBefore, xr.padAfter], [xc.padBefore, xc.padAfter], [0, 0]];
    const grad = temp(heap.run('Conv2D', { x: dyT, filter: xT }, convAttrs([1, 1], [1, 1], pad)));
    if (grad.shape[1] !== filterShape[0] || grad.shape[2] !== filterShape[1]) {
      throw new WasmTrainingError(`${NAME} on wasm: internal geometry error, [${grad.shape}] for filter [${filterShape}]`);
    }
    const out = heap.alloc(filterShape);
    reversedTapsToFilter(heap.view(grad), grad.shape, heap.view(out));
    return out;
  });
}

export const conv2dBackpropFilterAsConv: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = (attrs ?? {}) as NamedAttrMap;
  const filterShape = shapeAttr(NAME, a, 'filterShape');
  const { rows, cols } = convAxes(NAME, x.shape, filterShape, dy.shape, a, false);
  const heap = new WasmHeap(backend, NAME);
  const [, , ci, co] = filterShape;
  const xSmaller = ci >= MIN_CHANNELS_X_AS_FILTER && ci < co && xAsFilterAxis(rows) !== undefined && xAsFilterAxis(cols) !== undefined;
  return (xSmaller ? xAsFilter : dyAsFilter)(heap, x, dy, filterShape, rows, cols);
};
