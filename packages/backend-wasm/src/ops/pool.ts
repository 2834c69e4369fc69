// Max and average pooling on NHWC int8 (windows count only the taps inside the input, as tfjs).
import type { KernelContext } from '../context.ts';
import { checkClamp, checkQuantParams, requantMultiplier, type CodeClamp, type TensorQuant } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkDistinct, checkShapeEquals, checkTensor, fail } from '../validate.ts';
import { checkPoolPadding, pair, windowGeometry, type WindowPadding, type WindowGeometry } from './window.ts';

export interface PoolParams {
  readonly window: number | readonly [number, number];
  /** Default: the window. */
  readonly strides?: number | readonly [number, number];
  readonly padding: WindowPadding;
  /** CodeClamp in output codes (a fused ReLU). */
  readonly clamp?: CodeClamp;
}

export interface AvgPoolParams extends PoolParams {
  readonly input: TensorQuant;
  /** Default: the input's parameters. */
  readonly output?: TensorQuant;
}

interface Geometry extends WindowGeometry {
  readonly window: [number, number];
  readonly strides: [number, number];
}

/** Output shape of a pool over an NHWC input shape. */
export function poolOutputShape(op: string, inputShape: readonly number[], params: PoolParams): [number, number, number, number] {
  const g = poolGeometry(op, inputShape, params);
  return [inputShape[0], g.outH, g.outW, inputShape[3]];
}

function poolGeometry(op: string, inputShape: readonly number[], params: PoolParams): Geometry {
  if (params === null || typeof params !== 'object') fail(op, 'params must be an object');
  if (inputShape.length !== 4) fail(op, `input must be NHWC, got [${inputShape.join(', ')}]`);
  const window = pair(op, 'window', params.window, 1);
  const strides = pair(op, 'strides', params.strides ?? window, 1);
  const g = windowGeometry(op, inputShape[1], inputShape[2], { window, strides, dilations: [1, 1], padding: params.padding });
  checkPoolPadding(op, g, window);
  return { ...g, window, strides };
}

function prepare(op: string, ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: PoolParams): Geometry {
  checkTensor(op, 'x', x, ctx, 'int8', 4);
  checkTensor(op, 'y', y, ctx, 'int8', 4);
  checkDistinct(op, y, x);
  const g = poolGeometry(op, x.shape, params);
  checkShapeEquals(op, 'y', y.shape, [x.shape[0], g.outH, g.outW, x.shape[3]]);
  return g;
}

/** y = max over each window (same scale and zero point as x), clamped. */
export function maxPool(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: PoolParams): void {
  bindMaxPool(ctx, x, y, params)();
}

/** Checks everything once and returns the kernel call. */
export function bindMaxPool(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: PoolParams): () => void {
  const op = 'maxPool';
  const g = prepare(op, ctx, x, y, params);
  const { lo, hi } = checkClamp(op, params.clamp);
  const [batch, h, w, c] = x.shape;
  const [xp, yp] = [x.byteOffset, y.byteOffset];
  return () => ctx.raw.maxpool2d_s8_nhwc(batch, h, w, c, g.window[0], g.window[1], g.strides[0], g.strides[1], g.padTop, g.padLeft, g.outH, g.outW, xp, yp, lo, hi);
}

/** y = the window's mean, requantized to the output's parameters with round half to even. */
export function avgPool(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: AvgPoolParams): void {
  bindAvgPool(ctx, x, y, params)();
}

/** Checks everything once and returns the kernel call. */
export function bindAvgPool(ctx: KernelContext, x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: AvgPoolParams): () => void {
  const op = 'avgPool';
  const g = prepare(op, ctx, x, y, params);
  const qin = checkQuantParams(op, 'input', params.input);
  const qout = checkQuantParams(op, 'output', params.output ?? params.input);
  const { lo, hi } = checkClamp(op, params.clamp);
  const m = requantMultiplier(op, qin.scale, 1, qout.scale);
  const [batch, h, w, c] = x.shape;
  const [xp, yp] = [x.byteOffset, y.byteOffset];
  return () => ctx.raw.avgpool2d_s8_nhwc_fp32(
    batch, h, w, c, g.window[0], g.window[1], g.strides[0], g.strides[1], g.padTop, g.padLeft, g.outH, g.outW,
    xp, qin.zeroPoint, m, yp, qout.zeroPoint, lo, hi,
  );
}
