// Lowering helpers shared by the LSTM and GRU layers: the 16-bit gate and cell grids, and one
// direction's weight and bias constants out of the layer's [rows, D·G·H] parameters.
import * as tf from '@tensorflow/tfjs-core';
import type { LoweringContext, Module, ModuleOutput } from '@qatjs/core';
import { codeRange, packCodes, quantizeValue, type QuantParams } from '@qatjs/ir';

const MAX_WEIGHT_BITS = 8;

/**
 * The grid of a 16-bit point (gates, cell): symmetric, signed, the whole b-bit grid, one scale or one
 * per gate unit. ctx.activationQuant is for int8 activations; these are int16 codes.
 */
export function wideQuant(ctx: LoweringContext, layer: Module<ModuleOutput>, point: string): QuantParams {
  const q = layer.getQuantizer(point);
  if (!q) ctx.fail(`its '${point}' point has no quantizer; the integer ${layer.kind.toLowerCase()} op computes it on a grid (16-bit by default: prepare with a preset)`, point);
  if (q.affine !== true) ctx.fail(`quantizer '${q.quantizer}' is not affine: its values are not codes times a scale`, point);
  const p = q.qparams();
  const full = codeRange(q.spec.bits, true);
  if (p.zeroPoint.some((z) => z !== 0)) ctx.fail(`the '${point}' grid must be symmetric (zero point 0)`, point);
  if (p.qmin !== full.qmin || p.qmax !== full.qmax) ctx.fail(`the '${point}' grid [${p.qmin}, ${p.qmax}] is not the whole ${q.spec.bits}-bit signed grid [${full.qmin}, ${full.qmax}] (narrow range?)`, point);
  return { scale: Float32Array.from(p.scale), zeroPoint: Int32Array.from(p.zeroPoint), bits: q.spec.bits };
}

/** Columns [from, from + n) of a [rows, cols] tensor. */
function columns(t: tf.Tensor, from: number, n: number): tf.Tensor {
  return tf.slice(t, [0, from], [t.shape[0] as number, n]);
}

/**
 * One direction's weight constant [rows, G·H] from the layer's [rows, D·G·H] parameter. One
 * direction: ctx.weightConstant (every check convert() makes). Two: the direction's columns, quantized
 * with its columns' scales, as the same quantizer's eval-mode fake quantization does.
 */
export function directionWeight(ctx: LoweringContext, layer: Module<ModuleOutput>, point: string, w: tf.Tensor, directions: number, d: number): { name: string; quant: QuantParams } {
  if (directions === 1) return ctx.weightConstant(layer, w, 1, point);
  const q = layer.getQuantizer(point);
  if (!q) ctx.fail('its weight has no quantizer; the integer model stores quantized weights', point);
  if (q.affine !== true) ctx.fail(`quantizer '${q.quantizer}' is not affine`, point);
  const p = q.qparams();
  const bits = q.spec.bits;
  if (bits > MAX_WEIGHT_BITS) ctx.fail(`its weights have ${bits} bits; the integer runtime holds at most ${MAX_WEIGHT_BITS}`, point);
  if (!q.spec.signed || p.zeroPoint.some((z) => z !== 0)) ctx.fail('the integer lstm and gru ops take symmetric signed weights (zero point 0)', point);
  const [rows, cols] = w.shape as [number, number];
  const per = cols / directions;
  const values = tf.tidy(() => columns(w, d * per, per).dataSync());
  const codes = new Int8Array(rows * per);
  const scale = p.scale.length === 1 ? Float32Array.of(p.scale[0]) : p.scale.slice(d * per, (d + 1) * per);
  for (let i = 0; i < codes.length; i++) {
    const c = scale.length === 1 ? 0 : i % per;
    codes[i] = quantizeValue(values[i], scale[c], 0, p.qmin, p.qmax);
  }
  const dtype = bits <= 2 ? 'int2' : bits <= 4 ? 'int4' : 'int8';
  const quant: QuantParams = { scale: Float32Array.from(scale), zeroPoint: new Int32Array(scale.length), bits, ...(scale.length > 1 ? { axis: 1 } : {}) };
  const name = ctx.builder.constant({ name: ctx.name(`${point}${d}`), dtype, shape: [rows, per], quant, data: dtype === 'int8' ? codes : packCodes(dtype, codes) });
  return { name, quant };
}

/** One direction's slice [G·H] of a bias [D·G·H], as an int32 constant in units of s_in · s_W[n]. */
export function directionBias(ctx: LoweringContext, bias: tf.Tensor, input: QuantParams, weights: QuantParams, directions: number, d: number, suffix: string): string {
  const per = (bias.shape[0] as number) / directions;
  const slice = tf.slice(bias, [d * per], [per]);
  try {
    return ctx.biasConstant(slice, input, weights, `${suffix}${d}`);
  } finally {
    slice.dispose();
  }
}
