// The fake-quantize forward and backward as loops over flat float32 data: one pass each, float32
// rounding reproduced with Math.fround so the result is bit-identical to the composed tfjs ops
// (x / s in f32, round half even, + zp, clamp, (q - zp) * s in f32). Shared by the cpu and wasm kernels.
import { roundHalfEven } from '../util/round.ts';

/** Layout of a per-channel (or per-tensor: channels = 1) loop: x is [outer, channels, inner]. */
export interface ChannelLayout {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

export interface GridParams {
  /** One scale per channel (length 1 per-tensor), already validated finite and > 0. */
  readonly scale: Float32Array;
  /** One zero point per channel, already rounded half to even and clamped to [qmin, qmax]. */
  readonly zeroPoint: Float64Array;
  readonly qmin: number;
  readonly qmax: number;
}

/** Rounds and clamps raw (possibly learned, fractional) zero points the way the forward uses them. */
export function integerZeroPoints(raw: ArrayLike<number>, qmin: number, qmax: number): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Math.min(qmax, Math.max(qmin, roundHalfEven(raw[i])));
  return out;
}

/**
 * Writes fakeQuantize(x) into `out`. Returns the flat index of the first non-finite input, or -1.
 * Non-finite inputs still produce an output element (NaN or a clamped code); callers throw on them.
 */
export function fakeQuantizeForward(x: Float32Array, out: Float32Array, layout: ChannelLayout, p: GridParams): number {
  const { outer, channels, inner } = layout;
  const { scale, zeroPoint, qmin, qmax } = p;
  let bad = -1;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c];
      const zp = zeroPoint[c];
      for (let k = 0; k < inner; k++, i++) {
        const xv = x[i];
        if (bad < 0 && xv - xv !== 0) bad = i;
        let q = roundHalfEven(Math.fround(xv / s)) + zp;
        q = q < qmin ? qmin : q > qmax ? qmax : q;
        out[i] = (q - zp) * s; // the store into a Float32Array rounds the product to f32
      }
    }
  }
  return bad;
}

/** dx = dy where qmin <= round(x/s) + zp <= qmax, else 0 (the clipped straight-through estimator). */
export function fakeQuantizeGradX(dy: Float32Array, x: Float32Array, out: Float32Array, layout: ChannelLayout, p: GridParams): void {
  const { outer, channels, inner } = layout;
  const { scale, zeroPoint, qmin, qmax } = p;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c];
      const zp = zeroPoint[c];
      for (let k = 0; k < inner; k++, i++) {
        const q = roundHalfEven(Math.fround(x[i] / s)) + zp;
        out[i] = q >= qmin && q <= qmax ? dy[i] : 0;
      }
    }
  }
}

/**
 * LSQ/LSQ+ gradient of the scale, summed per channel in float64: inside the range dy * (q - zp - x/s),
 * clipped low dy * (qmin - zp), clipped high dy * (qmax - zp).
 */
export function fakeQuantizeGradScale(dy: Float32Array, x: Float32Array, layout: ChannelLayout, p: GridParams): Float64Array {
  const { outer, channels, inner } = layout;
  const { scale, zeroPoint, qmin, qmax } = p;
  const sums = new Float64Array(channels);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c];
      const zp = zeroPoint[c];
      let acc = 0;
      for (let k = 0; k < inner; k++, i++) {
        const v = Math.fround(x[i] / s);
        const r = roundHalfEven(v);
        const q = r + zp;
        const g = q < qmin ? qmin - zp : q > qmax ? qmax - zp : r - v;
        acc += dy[i] * g;
      }
      sums[c] += acc;
    }
  }
  return sums;
}

/** LSQ+ gradient of the zero point, summed per channel: 0 inside the range, -dy * s where clipped. */
export function fakeQuantizeGradZeroPoint(dy: Float32Array, x: Float32Array, layout: ChannelLayout, p: GridParams): Float64Array {
  const { outer, channels, inner } = layout;
  const { scale, zeroPoint, qmin, qmax } = p;
  const sums = new Float64Array(channels);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c];
      const zp = zeroPoint[c];
      let acc = 0;
      for (let k = 0; k < inner; k++, i++) {
        const q = roundHalfEven(Math.fround(x[i] / s)) + zp;
        if (q < qmin || q > qmax) acc -= dy[i];
      }
      sums[c] += acc * s;
    }
  }
  return sums;
}
