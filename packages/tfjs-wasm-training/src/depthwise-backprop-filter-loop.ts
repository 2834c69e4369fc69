// DepthwiseConv2dNativeBackpropFilter for tfjs-backend-wasm, which has none, as a loop over the
// wasm heap:  dw[i, j, c, m] = sum over b, o, p of x[b, o*s + i*d - pad, p*s + j*d - pad, c] * dy[b, o, p, c*M + m].
// No forward kernel of the wasm backend computes this without wasting a factor of the channel
// count (a regular conv computes every channel pair) or running XNNPACK with image-sized depthwise
// filters, which measured slower than this loop for larger images. Sums are kept in float64.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { convAxes, shapeAttr, type ConvAxis } from './conv-geometry.ts';
import { WasmHeap } from './wasm-heap.ts';

const NAME = 'DepthwiseConv2dNativeBackpropFilter';

/** Output positions o in [start, end) whose tap k reads a real (not padded) input row. */
function validOutputs(a: ConvAxis, k: number): [number, number] {
  const offset = k * a.dilation - a.padBefore;
  const start = Math.max(0, Math.ceil(-offset / a.stride));
  const end = Math.min(a.output, Math.floor((a.input - 1 - offset) / a.stride) + 1);
  return [start, end];
}

export function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, xShape: readonly number[], multiplier: number, rows: ConvAxis, cols: ConvAxis): Float64Array {
  const [n, h, w, c] = xShape;
  const m = multiplier;
  const cm = c * m;
  const oh = rows.output;
  const ow = cols.output;
  const acc = new Float64Array(rows.filter * cols.filter * cm);
  for (let i = 0; i < rows.filter; i++) {
    const [o0, o1] = validOutputs(rows, i);
    for (let j = 0; j < cols.filter; j++) {
      const [p0, p1] = validOutputs(cols, j);
      const tap = (i * cols.filter + j) * cm;
      const colOffset = j * cols.dilation - cols.padBefore;
      for (let b = 0; b < n; b++) {
        for (let o = o0; o < o1; o++) {
          const xRow = (b * h + o * rows.stride + i * rows.dilation - rows.padBefore) * w;
          const dyRow = (b * oh + o) * ow;
          for (let p = p0; p < p1; p++) {
            const xo = (xRow + p * cols.stride + colOffset) * c;
            const dyo = (dyRow + p) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) acc[tap + k] += x[xo + k] * dy[dyo + k];
            } else {
              for (let k = 0; k < c; k++) {
                const xv = x[xo + k];
                for (let q = 0; q < m; q++) acc[tap + k * m + q] += xv * dy[dyo + k * m + q];
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

export const depthwiseBackpropFilterLoop: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = (attrs ?? {}) as NamedAttrMap;
  const filterShape = shapeAttr(NAME, a, 'filterShape');
  const { rows, cols } = convAxes(NAME, x.shape, filterShape, dy.shape, a, true);
  const heap = new WasmHeap(backend, NAME);
  const out = heap.alloc(filterShape);
  heap.view(out).set(depthwiseFilterGrad(heap.view(x), heap.view(dy), x.shape, filterShape[3], rows, cols));
  return out;
};
