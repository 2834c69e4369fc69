import { codeRange } from '../dtype.ts';
import { IntModelError } from '../errors.ts';
import { constantCodes } from '../packing.ts';
import { elementCount } from '../shape.ts';
import type { ActivationDType, ConstantData, DType, Node, QuantParams } from '../types.ts';

// What a reference kernel works with: tensors whose shapes are concrete (the run-time batch filled
// in), and the declared outputs it must fill.

/** The elements of an activation: Float32Array for float32, Int8Array / Uint8Array / Int16Array of codes, Int32Array of integers. */
export type ActivationArray = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

/**
 * A tensor as a kernel sees it. For a value, `data` holds its elements (row-major). For a constant,
 * `data` is the stored form from the model: int4 / int2 weights are still packed (read them with
 * constantCodes), int32 biases are an Int32Array.
 */
export interface ReferenceTensor {
  readonly name: string;
  readonly dtype: DType;
  /** Concrete dims: no -1. */
  readonly shape: readonly number[];
  readonly quant?: QuantParams;
  readonly data: ConstantData;
}

/** A declared output of the node being run, with its concrete shape. */
export interface ReferenceOutput {
  readonly name: string;
  readonly dtype: ActivationDType;
  readonly shape: readonly number[];
  readonly quant?: QuantParams;
}

/** What a kernel gets: the node (attrs), its inputs in order (an absent optional bias is left out) and its outputs. */
export interface ReferenceContext {
  readonly node: Node;
  readonly inputs: readonly ReferenceTensor[];
  readonly outputs: readonly ReferenceOutput[];
}

/**
 * The reference implementation of one op: returns one array per declared output, of the output's
 * dtype class and element count. Kernels never change their inputs.
 */
export type ReferenceKernel = (ctx: ReferenceContext) => readonly ActivationArray[];

/** A zero-filled array of the output's dtype class and element count. */
export function allocate(out: ReferenceOutput): ActivationArray {
  return new (arrayClassOf(out.dtype))(elementCount(out.shape));
}

/** The quant params of a quantized tensor (validation guarantees they are there). */
export function quantOf(t: { readonly name: string; readonly quant?: QuantParams }): QuantParams {
  if (t.quant === undefined) throw new IntModelError(t.name, `'${t.name}' has no quant params`);
  return t.quant;
}

/** Scale of channel c: the one scale of per-tensor params, or scale[c] of per-channel ones. */
export function channelScale(quant: QuantParams, c: number): number {
  return quant.scale.length === 1 ? quant.scale[0] : quant.scale[c];
}

/** Zero point of channel c: the one zero point of per-tensor params, or zeroPoint[c] of per-channel ones. */
export function channelZeroPoint(quant: QuantParams, c: number): number {
  return quant.zeroPoint.length === 1 ? quant.zeroPoint[0] : quant.zeroPoint[c];
}

/** The flat index of element [n, h, w, c] of an NHWC tensor of `shape`. */
export function nhwcIndex(shape: readonly number[], n: number, h: number, w: number, c: number): number {
  const [, height, width, channels] = shape;
  return ((n * height + h) * width + w) * channels + c;
}

/** The index of the first code of `data` outside the grid of a quantized activation, or -1 (float32: -1). */
export function firstCodeOutsideGrid(data: ActivationArray, dtype: ActivationDType, quant: QuantParams | undefined): number {
  if (dtype === 'float32' || dtype === 'int32' || quant === undefined) return -1;
  const { qmin, qmax } = codeRange(quant.bits, dtype !== 'uint8');
  return data.findIndex((code) => code < qmin || code > qmax);
}

/** The typed-array class that holds an activation of `dtype`. */
export function arrayClassOf(dtype: ActivationDType): typeof Float32Array | typeof Int8Array | typeof Uint8Array | typeof Int16Array | typeof Int32Array {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'int8':
      return Int8Array;
    case 'uint8':
      return Uint8Array;
    case 'int16':
      return Int16Array;
    case 'int32':
      return Int32Array;
  }
}

/**
 * What conv2d, depthwiseConv2d and gemm read besides x's codes: the quant params of x, w and y, and the
 * weight codes as one array whatever their storage (int4 / int2 unpacked with constantCodes).
 */
export function weightedOperands(x: ReferenceTensor, w: ReferenceTensor, out: ReferenceOutput): { xq: QuantParams; wq: QuantParams; yq: QuantParams; codes: Int8Array | Uint8Array | Int16Array } {
  return { xq: quantOf(x), wq: quantOf(w), yq: quantOf(out), codes: constantCodes(w.dtype, w.data, elementCount(w.shape)) };
}
