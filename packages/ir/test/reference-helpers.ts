// Helpers for the reference interpreter's tests: one-node models, and an independent float64
// convolution (written without looking at src/reference) that conv2d, depthwiseConv2d and gemm are
// all checked against: depthwise as a grouped conv, gemm as a 1x1 conv.
import { refRoundHalfEven } from '@qatjs/test-utils/reference';
import {
  ModelBuilder, biasQuant, makeQuant, packCodes, runReference,
  type IntModel, type QuantParams, type ReferenceInputs,
} from '@qatjs/ir';

export const f32 = Math.fround;

/** Per-tensor quant params. */
export const q = (scale: number, zeroPoint = 0, bits = 8): QuantParams => makeQuant({ scale, zeroPoint, bits });

/** Adds int8/int4/int2 weights from plain codes (packed for int4/int2). */
export function addWeights(b: ModelBuilder, name: string, dtype: 'int8' | 'int4' | 'int2', shape: number[], codes: number[], quant: QuantParams): string {
  const data = dtype === 'int8' ? Int8Array.from(codes) : packCodes(dtype, codes);
  return b.constant({ name, dtype, shape, quant, data });
}

/** Adds an int32 bias with the scale s_x * s_w[c] the IR requires. */
export function addBias(b: ModelBuilder, name: string, x: string, wQuant: QuantParams, values: number[]): string {
  const quant = biasQuant(b.info(x).quant as QuantParams, wQuant, values.length);
  return b.constant({ name, dtype: 'int32', shape: [values.length], quant, data: Int32Array.from(values) });
}

/** Runs a model with one output and returns that output as plain numbers. */
export function runOne(model: IntModel, inputs: ReferenceInputs): number[] {
  return Array.from(runReference(model, inputs)[model.outputs[0]]);
}

/** Codes from deviations: code = d + zeroPoint. */
export const fromDeviations = (d: number[], zeroPoint: number): number[] => d.map((v) => v + zeroPoint);

/** A convolution in float64: NHWC x codes, HWIO weights [KH, KW, Cin/G, Cout] codes, one weight scale per output channel. */
export interface ConvCase {
  readonly x: { readonly shape: readonly number[]; readonly codes: ArrayLike<number>; readonly scale: number; readonly zeroPoint: number };
  readonly w: { readonly shape: readonly number[]; readonly codes: ArrayLike<number>; readonly scales: ArrayLike<number> };
  readonly bias?: ArrayLike<number>;
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [top, left, bottom, right] */
  readonly pads: readonly number[];
  readonly groups: number;
  readonly y: { readonly scale: number; readonly zeroPoint: number; readonly lo: number; readonly hi: number };
}

/**
 * The output codes of a ConvCase, and the real-valued result it approximates. The input is first
 * copied into a zero-padded buffer of deviations (x - z_x), so padding is a real 0; each output sums
 * its window from that buffer in float64 (exact for integers below 2^53). Then
 *   codes: clamp(roundHalfEven(f32(f32(acc) * f32(s_x * s_w[o] / s_y))) + z_y, lo, hi)   (README numerics)
 *   real:  (sum of (x - z_x) s_x * w s_w[o] + b * f32(s_x * s_w[o])) / s_y + z_y, clamped to [lo, hi] in float64.
 */
export function float64Conv(c: ConvCase): { codes: number[]; real: number[]; shape: number[] } {
  const [n, h, w, cin] = c.x.shape;
  const [kh, kw, cg, cout] = c.w.shape;
  const [sh, sw] = c.strides;
  const [dh, dw] = c.dilations;
  const [pt, pl, pb, pr] = c.pads;
  const ph = h + pt + pb;
  const pw = w + pl + pr;
  const padded = new Float64Array(n * ph * pw * cin);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < h; r++) {
      for (let s = 0; s < w; s++) {
        for (let k = 0; k < cin; k++) padded[((b * ph + r + pt) * pw + s + pl) * cin + k] = c.x.codes[((b * h + r) * w + s) * cin + k] - c.x.zeroPoint;
      }
    }
  }
  const ho = Math.floor((ph - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((pw - dw * (kw - 1) - 1) / sw) + 1;
  const perGroup = cout / c.groups;
  const codes: number[] = [];
  const real: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < ho; r++) {
      for (let s = 0; s < wo; s++) {
        for (let o = 0; o < cout; o++) {
          const first = Math.floor(o / perGroup) * cg;
          let acc = 0;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              for (let k = 0; k < cg; k++) {
                acc += padded[((b * ph + r * sh + i * dh) * pw + s * sw + j * dw) * cin + first + k] * c.w.codes[((i * kw + j) * cg + k) * cout + o];
              }
            }
          }
          const bias = c.bias ? c.bias[o] : 0;
          const m = f32((c.x.scale * c.w.scales[o]) / c.y.scale);
          const code = refRoundHalfEven(f32(f32(acc + bias) * m)) + c.y.zeroPoint;
          codes.push(Math.min(c.y.hi, Math.max(c.y.lo, code)));
          const v = (acc * c.x.scale * c.w.scales[o] + bias * f32(c.x.scale * c.w.scales[o])) / c.y.scale + c.y.zeroPoint;
          real.push(Math.min(c.y.hi, Math.max(c.y.lo, v)));
        }
      }
    }
  }
  return { codes, real, shape: [n, ho, wo, cout] };
}
