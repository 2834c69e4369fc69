// What conv2d and depthwise conv2d share: reading and checking the spec (filter, window, quantization,
// bias, accumulator range) and the run-time checks of the NHWC input and output.
import type { KernelContext } from '../context.ts';
import { weightValues, type WeightData } from '../numerics/lowbit.ts';
import { checkQuantParams, checkWeightQuant, type CodeClamp, type TensorQuant, type WeightQuantParams } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkDistinct, checkInt, checkShapeEquals, checkTensor, fail } from '../validate.ts';
import { checkAccumulatorRange, maxCentered, type GemmOutput } from './gemm-core.ts';
import { checkBias, gemmOutput, maxCenteredWeight, multipliers } from './gemm.ts';
import { pair, windowGeometry, type WindowPadding, type WindowGeometry, type WindowSpec } from './window.ts';
import { valueText } from '../errors.ts';

export interface ConvSpec {
  /** conv2d: [kh, kw, cin, cout] (HWIO). Depthwise: [kh, kw, cin, channelMultiplier]. As tfjs. */
  readonly filterShape: readonly [number, number, number, number];
  /** int8 values in filterShape order, or int4 / int2 packed (see unpackLowBit). */
  readonly filter: WeightData;
  readonly strides?: number | readonly [number, number];
  readonly dilations?: number | readonly [number, number];
  readonly padding: WindowPadding;
  /** conv2d only: grouped convolution; filterShape[2] is then cin / groups. Default 1. */
  readonly groups?: number;
  /** int32 per output channel, in units of s_in * s_w[c]. */
  readonly bias?: ArrayLike<number>;
  readonly input: TensorQuant;
  /** Per tensor, or per output channel (arrays of cout values). */
  readonly weight: WeightQuantParams;
  /** int8 output with these parameters, or 'int32' for the raw accumulators. */
  readonly output: TensorQuant | 'int32';
  /** int8 output only: clamp in codes (fused ReLU / ReLU6, see kernelClamp). */
  readonly clamp?: CodeClamp;
}

export interface ParsedConv {
  readonly filterShape: readonly [number, number, number, number];
  readonly groups: number;
  /** Channels of the input: filterShape[2] * groups. */
  readonly cin: number;
  readonly cout: number;
  readonly window: WindowSpec;
  readonly zpIn: number;
  readonly out: GemmOutput;
  /** int8 filter values in filterShape order; the output channel of element i is i % cout. */
  readonly values: Int8Array;
  readonly zeroPoint: Int32Array;
  readonly bias: Int32Array;
  readonly multipliers: Float32Array;
}

/** Checks a conv spec; `depthwise` makes the last filter dimension a channel multiplier. */
export function parseConvSpec(op: string, spec: ConvSpec, depthwise: boolean): ParsedConv {
  if (spec === null || typeof spec !== 'object') fail(op, 'spec must be an object');
  const fs = spec.filterShape;
  if (!Array.isArray(fs) || fs.length !== 4) fail(op, `filterShape must be [kh, kw, cin, ${depthwise ? 'multiplier' : 'cout'}], got ${valueText(fs)}`);
  const [kh, kw, cin, last] = fs.map((d, i) => checkInt(op, `filterShape[${i}]`, d, 1, 1 << 20));
  const window: WindowSpec = {
    window: [kh, kw],
    strides: pair(op, 'strides', spec.strides, 1),
    dilations: pair(op, 'dilations', spec.dilations, 1),
    padding: spec.padding,
  };
  windowGeometry(op, 1 << 20, 1 << 20, window); // checks the padding now rather than at run time
  const cout = depthwise ? cin * last : last;
  if (depthwise && spec.groups !== undefined) fail(op, 'groups is for conv2d (a depthwise conv is grouped by definition)');
  const groups = checkInt(op, 'groups', spec.groups ?? 1, 1, cout);
  if (cout % groups !== 0) fail(op, `groups ${groups} must divide the ${cout} output channels`);
  const taps = kh * kw;
  const input = checkQuantParams(op, 'input', spec.input);
  const w = checkWeightQuant(op, spec.weight, cout);
  const out = gemmOutput(op, spec.output, spec.clamp);
  const values = weightValues(op, spec.filter, taps * cin * last);
  const bias = checkBias(op, spec.bias, cout);
  const k = depthwise ? taps : taps * cin;
  checkAccumulatorRange(op, k, maxCentered(input.zeroPoint), maxCenteredWeight(values, w.zeroPoint, (i) => i % cout), bias.maxAbs);
  return {
    filterShape: [kh, kw, cin, last],
    groups,
    cin: cin * groups,
    cout,
    window,
    zpIn: input.zeroPoint,
    out,
    values,
    zeroPoint: w.zeroPoint,
    bias: bias.values,
    multipliers: multipliers(op, input, w.scale, spec.output),
  };
}

/** NHWC output shape and window geometry for an input shape. */
export function convOutput(op: string, p: ParsedConv, inputShape: readonly number[]): { shape: [number, number, number, number]; geometry: WindowGeometry } {
  if (inputShape.length !== 4 || inputShape[3] !== p.cin) fail(op, `input must have shape [n, h, w, ${p.cin}], got [${inputShape.join(', ')}]`);
  const geometry = windowGeometry(op, inputShape[1], inputShape[2], p.window);
  return { shape: [inputShape[0], geometry.outH, geometry.outW, p.cout], geometry };
}

/** Run-time checks of x (int8 NHWC) and y (the op's output dtype and shape); returns the geometry. */
export function checkConvRun(op: string, ctx: KernelContext, p: ParsedConv, x: WasmTensor<'int8'>, y: WasmTensor): WindowGeometry {
  checkTensor(op, 'x', x, ctx, 'int8', 4);
  checkTensor(op, 'y', y, ctx, p.out.dtype, 4);
  checkDistinct(op, y, x);
  const { shape, geometry } = convOutput(op, p, x.shape);
  checkShapeEquals(op, 'y', y.shape, shape);
  return geometry;
}
