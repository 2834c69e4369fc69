import { codeRange, dtypeInfo } from '../dtype.ts';
import { MAX_WINDOW_PARAM } from '../limits.ts';
import { MIN_NORMAL_FLOAT32, requantMultiplier } from '../numerics.ts';
import { biasQuant, sameQuant } from '../quant.ts';
import { formatShape, windowOutputSize } from '../shape.ts';
import type { AttrSpec, InputSpec, OpContext, OutputSpec, TensorInfo } from './schema.ts';
import { attrInts, input } from './schema.ts';
import type { DType, QuantParams } from '../types.ts';

// Checks shared by several op schemas. Every one throws through ctx.fail, naming the input or attr.

export const INT_ACTIVATIONS = ['int8', 'uint8'] as const;
export const WEIGHT_DTYPES: readonly DType[] = ['int8', 'int4', 'int2'];
export const INT32_MAX = 2 ** 31 - 1;

export const STRIDES: AttrSpec = { kind: 'ints', minLength: 2, maxLength: 2, min: 1, max: MAX_WINDOW_PARAM, default: [1, 1] };
export const DILATIONS: AttrSpec = STRIDES;
export const PADS: AttrSpec = { kind: 'ints', minLength: 4, maxLength: 4, min: 0, max: MAX_WINDOW_PARAM, default: [0, 0, 0, 0] };
export const KERNEL: AttrSpec = { kind: 'ints', minLength: 2, maxLength: 2, min: 1, max: MAX_WINDOW_PARAM };
export const CLAMP: AttrSpec = { kind: 'clamp' };
export const POOL_ATTRS = { kernel: KERNEL, strides: STRIDES, pads: PADS, clamp: CLAMP } as const;

/** x, one int8/uint8 value: pools. */
export const INT_INPUT: readonly InputSpec[] = [{ name: 'x', kind: 'activation', dtypes: INT_ACTIVATIONS }];
/** x (int8/uint8 value), w (constant weights), optional b (int32 bias): conv2d, depthwiseConv2d, gemm. */
export const WEIGHTED_INPUTS: readonly InputSpec[] = [
  ...INT_INPUT,
  { name: 'w', kind: 'constant', dtypes: WEIGHT_DTYPES },
  { name: 'b', kind: 'constant', dtypes: ['int32'], optional: true },
];
/** a and b, both int8/uint8 values: matmul. */
export const TWO_INT_INPUTS: readonly InputSpec[] = [
  { name: 'a', kind: 'activation', dtypes: INT_ACTIVATIONS },
  { name: 'b', kind: 'activation', dtypes: INT_ACTIVATIONS },
];
export const INT_OUTPUT: readonly OutputSpec[] = [{ name: 'y', dtypes: INT_ACTIVATIONS }];

/** `quant` of a tensor the generic checks already required to be quantized. */
export function q(t: TensorInfo): QuantParams {
  return t.quant as QuantParams;
}

export function expectRank(ctx: OpContext, i: number, rank: number, layout: string): void {
  const t = input(ctx, i);
  if (t.shape.length !== rank) ctx.fail(`inputs[${i}]`, `'${t.name}' must be rank ${rank} ${layout}, got shape ${formatShape(t.shape)}`);
}

/** Dims `dims` of input i are static (an NHWC window op needs fixed H, W and C; only N may vary at run time). */
export function expectStaticDims(ctx: OpContext, i: number, dims: readonly number[], what: string): void {
  const t = input(ctx, i);
  if (dims.some((d) => t.shape[d] < 0)) ctx.fail(`inputs[${i}]`, `'${t.name}' ${formatShape(t.shape)} must have static ${what} (only the batch may be a run-time size)`);
}

/**
 * Weights: per-channel only along the output-channel axis (scales and zero points alike). Zero points
 * may be nonzero (asymmetric weights: acc = b + sum (x - z_x)(w - z_w[c])); validation of the
 * constant already put each one inside the weight grid.
 */
export function checkWeights(ctx: OpContext, i: number, channelAxis: number): void {
  const w = input(ctx, i);
  const wq = q(w);
  if (wq.axis !== undefined && wq.axis !== channelAxis) {
    ctx.fail(`inputs[${i}]`, `per-channel weights '${w.name}' must use axis ${channelAxis}, got axis ${wq.axis}`);
  }
}

/** Bias: int32 [channels], scale exactly fround(s_x * s_w[c]), zero point 0 (see biasQuant). */
export function checkBias(ctx: OpContext, i: number, channels: number, x: TensorInfo, w: TensorInfo): void {
  const b = input(ctx, i);
  if (b.shape.length !== 1 || b.shape[0] !== channels) {
    ctx.fail(`inputs[${i}]`, `bias '${b.name}' must have shape [${channels}], got ${formatShape(b.shape)}`);
  }
  if (b.quant === undefined) ctx.fail(`inputs[${i}]`, `bias '${b.name}' needs quant params (scale s_x * s_w, zero point 0)`);
  const want = biasQuant(q(x), q(w), channels);
  if (!sameQuant(b.quant, want)) {
    const c = firstDifference(b.quant, want);
    ctx.fail(
      `inputs[${i}]`,
      `bias '${b.name}' quant must be per-${want.axis === undefined ? 'tensor' : 'channel (axis 0)'} with scale fround(s_x * s_w[c]), ` +
        `zero point 0 and bits 32; at channel ${c}: want scale ${want.scale[c]}, got ${describeEntry(b.quant, c)}`,
    );
  }
}

function firstDifference(a: QuantParams, b: QuantParams): number {
  for (let c = 0; c < b.scale.length; c++) {
    if (!Object.is(a.scale[c], b.scale[c]) || a.zeroPoint[c] !== b.zeroPoint[c]) return c;
  }
  return 0;
}

function describeEntry(qp: QuantParams, c: number): string {
  if (c >= qp.scale.length) return `only ${qp.scale.length} channels`;
  return `scale ${qp.scale[c]}, zero point ${qp.zeroPoint[c]}, bits ${qp.bits}, axis ${String(qp.axis)}`;
}

/** The largest |code - zeroPoint| a quantized tensor can hold. */
export function maxDeviation(t: TensorInfo): number {
  const qp = q(t);
  const { qmin, qmax } = codeRange(qp.bits, dtypeInfo(t.dtype).signed);
  let m = 0;
  for (const z of qp.zeroPoint) m = Math.max(m, z - qmin, qmax - z);
  return m;
}

function maxAbs(data: ArrayLike<number> | undefined): number {
  let m = 0;
  if (data) for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]));
  return m;
}

/**
 * The int32 accumulator sum_k (a - zA)(b - zB) + bias cannot overflow: depth * max|a - zA| *
 * max|b - zB| + max|bias| <= 2^31 - 1, each max over the whole grid and every channel's zero point
 * (for asymmetric weights too). So the runtime never needs wrapping or saturating adds.
 */
export function checkAccumulator(ctx: OpContext, depth: number, a: TensorInfo, b: TensorInfo, bias?: TensorInfo): void {
  const bound = depth * maxDeviation(a) * maxDeviation(b) + maxAbs(bias?.data);
  if (bound > INT32_MAX) {
    ctx.fail('inputs', `the int32 accumulator could overflow: ${depth} products of up to ${maxDeviation(a)} x ${maxDeviation(b)} plus bias reach ${bound}`);
  }
}

/**
 * The checks every op with weights (conv2d, depthwiseConv2d, gemm; inputs x, w, optional b) shares:
 * weights per-channel only along `channelAxis`, the bias of `channels` entries, an
 * accumulator of `depth` products that fits int32, and (with declared outputs) a usable multiplier.
 */
export function checkWeightedOp(ctx: OpContext, channelAxis: number, channels: number, depth: number): void {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const b = ctx.inputs[2];
  checkWeights(ctx, 1, channelAxis);
  if (b) checkBias(ctx, 2, channels, x, w);
  checkAccumulator(ctx, depth, x, w, b);
  if (ctx.outputs) checkRequantScales(ctx, x, w, ctx.outputs[0]);
}

function isNormalFloat32(m: number): boolean {
  return m >= MIN_NORMAL_FLOAT32 && m < Infinity;
}

/** Every multiplier requantMultiplier(s_x, s_w[c], s_y) must be a normal float32 (the runtime rejects denormals). */
export function checkRequantScales(ctx: OpContext, x: TensorInfo, w: TensorInfo, y: TensorInfo): void {
  const sx = q(x).scale[0];
  const sy = q(y).scale[0];
  for (const sw of q(w).scale) {
    const m = requantMultiplier(sx, sw, sy);
    if (!isNormalFloat32(m)) ctx.fail('outputs[0]', `requantization multiplier s_x * s_w / s_y = ${sx} * ${sw} / ${sy} = ${m} is not a normal float32`);
  }
}

/** add and the pools rescale by s_in / s_y: that multiplier must be a normal float32. */
export function checkRescale(ctx: OpContext, i: number, y: TensorInfo): void {
  const x = input(ctx, i);
  const m = requantMultiplier(q(x).scale[0], 1, q(y).scale[0]);
  if (!isNormalFloat32(m)) ctx.fail('outputs[0]', `rescale s_in / s_y of '${x.name}' = ${q(x).scale[0]} / ${q(y).scale[0]} = ${m} is not a normal float32`);
}

/**
 * Output height and width of a 2-D window over an NHWC input with attrs `strides`, `pads`
 * ([top, left, bottom, right]) and, if given, `dilations`; fails when the window does not fit.
 */
export function windowOutput(ctx: OpContext, x: TensorInfo, kh: number, kw: number, dilations: readonly number[] = [1, 1]): [number, number] {
  const [sh, sw] = attrInts(ctx, 'strides');
  const [pt, pl, pb, pr] = attrInts(ctx, 'pads');
  const ho = windowOutputSize(x.shape[1], kh, sh, dilations[0], pt, pb);
  const wo = windowOutputSize(x.shape[2], kw, sw, dilations[1], pl, pr);
  if (ho < 1 || wo < 1) {
    ctx.fail('attrs', `a ${kh}x${kw} window (dilations ${formatShape(dilations)}) with pads ${formatShape([pt, pl, pb, pr])} does not fit input ${formatShape(x.shape)}`);
  }
  return [ho, wo];
}

/**
 * Pools over NHWC x with attrs kernel, strides, pads: padding on each side must be smaller than the
 * kernel (so every window holds a real element). Returns the kernel and the output height and width.
 */
export function poolWindow(ctx: OpContext): { kh: number; kw: number; ho: number; wo: number } {
  expectRank(ctx, 0, 4, 'NHWC');
  expectStaticDims(ctx, 0, [1, 2, 3], 'H, W and C');
  const [kh, kw] = attrInts(ctx, 'kernel');
  const [pt, pl, pb, pr] = attrInts(ctx, 'pads');
  if (pt >= kh || pb >= kh || pl >= kw || pr >= kw) {
    ctx.fail('attrs.pads', `each pad must be smaller than the kernel ${kh}x${kw}, got ${formatShape([pt, pl, pb, pr])}`);
  }
  const [ho, wo] = windowOutput(ctx, input(ctx, 0), kh, kw);
  return { kh, kw, ho, wo };
}
