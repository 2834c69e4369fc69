// Conv2DBackpropFilter for tfjs-backend-wasm, which has none. The filter gradient
//   dw[i, j, ci, co] = sum over b, o, p of x[b, o*s + i*d - pad, p*s + j*d - pad, ci] * dy[b, o, p, co]
// is a forward conv with batch and channels swapped: input x as [ci, h, w, b], filter dy as
// [oh, ow, b, co], stride d and dilation s (see swappedAxis). XNNPACK runs it in one call.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { QatjsError } from '@qatjs/core';
import { convAxes, shapeAttr, swappedAxis } from './conv-geometry.ts';
import { WasmHeap, withTemporaries } from './wasm-heap.ts';

const NAME = 'Conv2DBackpropFilter';

export const conv2dBackpropFilterAsConv: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = (attrs ?? {}) as NamedAttrMap;
  const filterShape = shapeAttr(NAME, a, 'filterShape');
  const { rows, cols } = convAxes(NAME, x.shape, filterShape, dy.shape, a, false);
  const heap = new WasmHeap(backend, NAME);
  const sr = swappedAxis(rows);
  const sc = swappedAxis(cols);
  if (sr.inputRows <= 0 || sc.inputRows <= 0) {
    return heap.zeros(filterShape); // every tap reads padding only
  }
  const [n, h, w, ci] = x.shape;
  return withTemporaries(heap, (temp) => {
    let xs = x;
    if (sr.inputRows < h || sc.inputRows < w) {
      xs = temp(heap.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [n, sr.inputRows, sc.inputRows, ci] }));
    }
    const xT = temp(heap.run('Transpose', { x: xs }, { perm: [3, 1, 2, 0] }));
    const dyT = temp(heap.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
    const convAttrs = {
      strides: [rows.dilation, cols.dilation],
      dilations: [rows.stride, cols.stride],
      pad: [[0, 0], [sr.padBefore, sr.padAfter], [sc.padBefore, sc.padAfter], [0, 0]],
      dataFormat: 'NHWC',
    } as unknown as NamedAttrMap;
    const grad = temp(heap.run('Conv2D', { x: xT, filter: dyT }, convAttrs));
    if (grad.shape[1] !== filterShape[0] || grad.shape[2] !== filterShape[1]) {
      throw new QatjsError(`${NAME} on wasm: internal geometry error, [${grad.shape}] for filter [${filterShape}]`);
    }
    return heap.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  });
};
