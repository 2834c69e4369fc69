// The index arithmetic shared by the gradient kernels. A forward conv along one spatial axis reads
// input row  i = o*stride + k*dilation - padBefore  for output row o and filter tap k. Both conv
// gradients are re-expressed as forward convs (which XNNPACK runs fast) by rearranging that formula.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type ConvInfoArgs = Parameters<typeof tf.backend_util.computeConv2DInfo>;

/** One spatial axis of a forward conv. */
export interface ConvAxis {
  input: number;
  output: number;
  filter: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

export interface ConvAxes {
  info: Conv2DInfo;
  rows: ConvAxis;
  cols: ConvAxis;
}

type Pair = [number, number];
const pair = (v: unknown): Pair => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v ?? 1), Number(v ?? 1)]);

/** A shape-valued attr (inputShape, filterShape) of a gradient kernel, checked. */
export function shapeAttr(kernelName: string, attrs: NamedAttrMap, name: string): number[] {
  const v = attrs[name];
  if (!Array.isArray(v) || v.length !== 4 || v.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
    throw new WasmTrainingError(`${kernelName} on wasm: attr ${name} must be 4 non-negative integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/**
 * The forward conv a gradient kernel belongs to, from the kernel's attrs (tfjs's own padding rules),
 * checked against the dy it was given. Only NHWC: tfjs-backend-wasm's convolutions are NHWC only.
 */
export function convAxes(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: NamedAttrMap,
  depthwise: boolean,
): ConvAxes {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  if (dataFormat !== 'NHWC') {
    throw new WasmTrainingError(`${kernelName} on wasm: dataFormat '${dataFormat}' is not supported (use NHWC, as the wasm backend's Conv2D does)`);
  }
  if (xShape.length !== 4 || filterShape.length !== 4 || dyShape.length !== 4) {
    throw new WasmTrainingError(`${kernelName} on wasm: expected rank-4 input, filter and dy, got [${xShape}], [${filterShape}], [${dyShape}]`);
  }
  const dilations = attrs.dilations === undefined || attrs.dilations === null ? 1 : (attrs.dilations as number | [number, number]);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    dilations,
    attrs.pad as ConvInfoArgs[4],
    attrs.dimRoundingMode as ConvInfoArgs[5],
    depthwise,
  );
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (expected.some((d, i) => d !== dyShape[i])) {
    throw new WasmTrainingError(`${kernelName} on wasm: dy has shape [${dyShape}] but the conv's output shape is [${expected}]`);
  }
  const [dh, dw] = pair(dilations);
  return {
    info,
    rows: { input: info.inHeight, output: info.outHeight, filter: info.filterHeight, stride: info.strideHeight, dilation: dh, padBefore: info.padInfo.top },
    cols: { input: info.inWidth, output: info.outWidth, filter: info.filterWidth, stride: info.strideWidth, dilation: dw, padBefore: info.padInfo.left },
  };
}

/**
 * The input gradient  dx[i] = sum over o, k with i = o*s + k*d - p  of  dy[o] * w[k]  as a stride-1
 * correlation of dy upsampled by s (s-1 zeros between rows) with the reversed filter, at the same
 * dilation: dx[i] = sum_k up[i - P + k*d] * w[K-1-k], P = (K-1)*d - p. Where P or the far-side
 * padding is negative the upsampled rows are cropped instead.
 */
export interface TransposedAxis {
  /** Rows of the upsampled, cropped dy. Zero or less: no dy row reaches dx (dx is all zeros). */
  rows: number;
  cropBefore: number;
  padBefore: number;
  padAfter: number;
}

export function transposedAxis(a: ConvAxis): TransposedAxis {
  const upsampled = (a.output - 1) * a.stride + 1;
  const before = (a.filter - 1) * a.dilation - a.padBefore;
  const after = a.input - upsampled + a.padBefore;
  const cropBefore = Math.max(0, -before);
  const cropAfter = Math.max(0, -after);
  return { rows: upsampled - cropBefore - cropAfter, cropBefore, padBefore: Math.max(0, before), padAfter: Math.max(0, after) };
}

/**
 * The filter gradient  dw[k] = sum over o of x[o*s + k*d - p] * dy[o]  as a forward conv over x with
 * dy as the filter: stride d, dilation s, padding p before. The padding after makes exactly K
 * outputs; where it would be negative the unused input rows are cropped instead.
 */
export interface SwappedAxis {
  /** Input rows the swapped conv reads (x is cropped to them). */
  inputRows: number;
  padBefore: number;
  padAfter: number;
}

export function swappedAxis(a: ConvAxis): SwappedAxis {
  const reach = (a.filter - 1) * a.dilation + (a.output - 1) * a.stride + 1;
  const after = reach - a.input - a.padBefore;
  return { inputRows: Math.min(a.input, a.input + after), padBefore: a.padBefore, padAfter: Math.max(0, after) };
}

/**
 * The same filter gradient with x as the filter, for stride 1 and dilation 1: dw[k] = sum over i of
 * x[i] * dy[i - k + p], a conv over dy padded by K-1-p before, whose output t holds tap K-1-t.
 * Undefined where the padding exceeds the filter (the conv would need negative padding).
 */
export function xAsFilterAxis(a: ConvAxis): { padBefore: number; padAfter: number } | undefined {
  if (a.stride !== 1 || a.dilation !== 1) return undefined;
  const padBefore = a.filter - 1 - a.padBefore;
  const padAfter = a.input + a.padBefore - a.output;
  return padBefore >= 0 && padAfter >= 0 ? { padBefore, padAfter } : undefined;
}
