// Input gradients of conv2d and depthwiseConv2d as forward convolutions on the wasm backend
// (XNNPACK). Stride 1: one correlation of dy with the filter turned 180 degrees (transposedAxis).
// Stride s > 1: the s*s output phases (dx rows i with i + pad = r mod s) each receive only the
// taps k = r mod s, so each phase is a stride-1 input gradient with a sub-filter, and the phases
// are interleaved (no multiplications by inserted zeros). With stride and dilation both > 1, which
// tfjs's ops never produce, dy is upsampled with zeros instead. tfjs-backend-wasm's own
// Conv2DBackpropInput is a scalar C loop; its depthwise input gradient does not exist.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';
import { convAxes, shapeAttr, transposedAxis, type ConvAxis } from './conv-geometry.ts';
import { gatherPhaseFilter, interleavePhase, reverseFilterSpatially, reverseFilterSwapChannels, upsampleWithZeros } from './rearrange.ts';
import { reshaped, WasmHeap, withTemporaries } from './wasm-heap.ts';

export type ConvKind = 'conv2d' | 'depthwise';

/** dx of shape [n, rows.input, cols.input, inChannels] by one forward conv (any stride, via zero upsampling). */
function inputGradOneConv(heap: WasmHeap, kind: ConvKind, dy: TensorInfo, filter: TensorInfo, rows: ConvAxis, cols: ConvAxis, kernelName: string): TensorInfo {
  const [kh, kw, fc, fm] = filter.shape;
  const outShape = [dy.shape[0], rows.input, cols.input, fc];
  const tr = transposedAxis(rows);
  const tc = transposedAxis(cols);
  if (tr.rows <= 0 || tc.rows <= 0) return heap.zeros(outShape); // every dy row falls in the padding
  return withTemporaries(heap, (temp) => {
    let src = dy;
    if (rows.stride > 1 || cols.stride > 1 || tr.cropBefore > 0 || tc.cropBefore > 0 || tr.rows !== dy.shape[1] || tc.rows !== dy.shape[2]) {
      src = temp(heap.alloc([dy.shape[0], tr.rows, tc.rows, dy.shape[3]]));
      upsampleWithZeros(
        heap.view(dy),
        dy.shape,
        { stride: rows.stride, cropBefore: tr.cropBefore, rows: tr.rows },
        { stride: cols.stride, cropBefore: tc.cropBefore, rows: tc.rows },
        heap.view(src),
      );
    }
    const convAttrs = {
      strides: [1, 1],
      dilations: [rows.dilation, cols.dilation],
      pad: [[0, 0], [tr.padBefore, tr.padAfter], [tc.padBefore, tc.padAfter], [0, 0]],
      dataFormat: 'NHWC',
    } as unknown as NamedAttrMap;
    let out: TensorInfo;
    if (kind === 'conv2d') {
      const rev = temp(heap.alloc([kh, kw, fm, fc]));
      reverseFilterSwapChannels(heap.view(filter), filter.shape, heap.view(rev));
      out = heap.run('Conv2D', { x: src, filter: rev }, convAttrs);
    } else {
      const rev = temp(heap.alloc([kh, kw, fc * fm, 1]));
      reverseFilterSpatially(heap.view(filter), filter.shape, heap.view(rev));
      out = heap.run('DepthwiseConv2dNative', { x: src, filter: rev }, convAttrs);
    }
    if ([0, 1, 2].some((i) => out.shape[i] !== outShape[i])) {
      heap.free(out);
      throw new WasmTrainingError(`${kernelName} on wasm: internal geometry error, [${out.shape}] for input [${outShape}]`);
    }
    if (kind === 'depthwise' && fm > 1) {
      // One depthwise channel per (channel, multiplier) pair of dy: sum the multipliers.
      const perPair = temp(out);
      out = heap.run('Sum', { x: reshaped(perPair, [outShape[0] * outShape[1] * outShape[2] * fc, fm]) }, { axis: [1], keepDims: false });
    }
    return reshaped(out, outShape);
  });
}

/** Phase r of a strided axis: which taps it uses and which dx rows (first, count) it fills. */
export interface AxisPhase {
  /** The stride-1 problem of this phase: dx rows q of the phase, taps j = (k - r) / s. */
  axis: ConvAxis;
  /** dx row of phase row q is q*stride + firstRow. */
  firstRow: number;
}

export function axisPhase(a: ConvAxis, r: number): AxisPhase | undefined {
  const taps = r < a.filter ? Math.ceil((a.filter - r) / a.stride) : 0;
  const q0 = Math.max(0, Math.ceil((a.padBefore - r) / a.stride));
  const q1 = Math.floor((a.input - 1 + a.padBefore - r) / a.stride);
  if (taps === 0 || q1 < q0) return undefined;
  return {
    axis: { input: q1 - q0 + 1, output: a.output, filter: taps, stride: 1, dilation: 1, padBefore: q0 },
    firstRow: q0 * a.stride + r - a.padBefore,
  };
}

function inputGradByPhases(heap: WasmHeap, kind: ConvKind, dy: TensorInfo, filter: TensorInfo, rows: ConvAxis, cols: ConvAxis, kernelName: string): TensorInfo {
  const outShape = [dy.shape[0], rows.input, cols.input, filter.shape[2]];
  const dx = heap.zeros(outShape);
  try {
    for (let rh = 0; rh < rows.stride; rh++) {
      const ph = axisPhase(rows, rh);
      if (!ph) continue;
      for (let rw = 0; rw < cols.stride; rw++) {
        const pw = axisPhase(cols, rw);
        if (!pw) continue;
        withTemporaries(heap, (temp) => {
          const sub = temp(heap.alloc([ph.axis.filter, pw.axis.filter, filter.shape[2], filter.shape[3]]));
          gatherPhaseFilter(heap.view(filter), filter.shape, [rh, rw], [rows.stride, cols.stride], heap.view(sub), sub.shape);
          const part = temp(inputGradOneConv(heap, kind, dy, sub, ph.axis, pw.axis, kernelName));
          interleavePhase(heap.view(part), part.shape, [ph.firstRow, pw.firstRow], [rows.stride, cols.stride], heap.view(dx), outShape);
        });
      }
    }
  } catch (err) {
    heap.free(dx);
    throw err;
  }
  return dx;
}

export function inputGradAsForwardConv(kernelName: string, kind: ConvKind, dy: TensorInfo, filter: TensorInfo, attrs: NamedAttrMap, backend: unknown): TensorInfo {
  const inputShape = shapeAttr(kernelName, attrs, 'inputShape');
  const { rows, cols } = convAxes(kernelName, inputShape, filter.shape, dy.shape, attrs, kind === 'depthwise');
  const heap = new WasmHeap(backend, kernelName);
  const strided = rows.stride > 1 || cols.stride > 1;
  const dilated = rows.dilation > 1 || cols.dilation > 1;
  const dx = strided && !dilated ? inputGradByPhases(heap, kind, dy, filter, rows, cols, kernelName) : inputGradOneConv(heap, kind, dy, filter, rows, cols, kernelName);
  return reshaped(dx, inputShape);
}

export const conv2dBackpropInputAsConv: KernelFunc = ({ inputs, attrs, backend }) =>
  inputGradAsForwardConv('Conv2DBackpropInput', 'conv2d', inputs.dy as TensorInfo, inputs.filter as TensorInfo, attrs ?? {}, backend);

export const depthwiseBackpropInputAsConv: KernelFunc = ({ inputs, attrs, backend }) =>
  inputGradAsForwardConv('DepthwiseConv2dNativeBackpropInput', 'depthwise', inputs.dy as TensorInfo, inputs.filter as TensorInfo, attrs ?? {}, backend);
