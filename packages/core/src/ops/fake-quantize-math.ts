// The fake-quantize forward and backward as loops over flat float32 data: one pass each, float32
// rounding reproduced with Math.fround so the result is bit-identical to the composed tfjs ops
// (x / s in f32, round half even, + zp, clamp, (q - zp) * s in f32). Shared by the cpu and wasm kernels.
//
// The four loops share their shape on purpose: a shared per-run callback made per-channel tensors
// with the channel axis last (one element per run) twice as slow.
//
// Written for V8's optimizing compiler: clamp(round(v) + zp, qmin, qmax) - zp is computed as
// clamp(round(v), qmin - zp, qmax - zp) with Math.min/max (no data-dependent branches), rounding
// uses the 1.5 * 2^52 trick, and NaN/Infinity are detected by accumulating x * 0 (NaN iff any
// element is not finite) rather than testing every element.
import { roundHalfEven } from '../util/round.ts';

/** Adding and subtracting 1.5 * 2^52 rounds a double to an integer, half to even (IEEE default rounding). */
const RNE = 6755399441055744;

/**
 * Round half to even, exact for |v| < 2^51; beyond that it keeps the sign and magnitude class,
 * which is all a clamp to a grid of at most 2^24 codes needs.
 */
function rne(v: number): number {
  return v + RNE - RNE;
}

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

function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

/**
 * Writes fakeQuantize(x) into `out`. Returns the flat index of the first non-finite input, or -1.
 * Non-finite inputs still produce an output element; callers throw on them.
 */
export function fakeQuantizeForward(x: Float32Array, out: Float32Array, layout: ChannelLayout, p: GridParams): number {
  const { outer, channels, inner } = layout;
  let nan = 0;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = p.scale[c];
      const lo = p.qmin - p.zeroPoint[c];
      const hi = p.qmax - p.zeroPoint[c];
      const end = i + inner;
      for (; i < end; i++) {
        const v = x[i];
        nan += v * 0;
        // the store into a Float32Array rounds the (exact) product to f32
        out[i] = Math.min(hi, Math.max(lo, rne(Math.fround(v / s)))) * s;
      }
    }
  }
  return Number.isNaN(nan) ? firstNonFinite(x) : -1;
}

/** dx = dy where qmin <= round(x/s) + zp <= qmax, else 0 (the clipped straight-through estimator). */
export function fakeQuantizeGradX(dy: Float32Array, x: Float32Array, out: Float32Array, layout: ChannelLayout, p: GridParams): void {
  const { outer, channels, inner } = layout;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = p.scale[c];
      const lo = p.qmin - p.zeroPoint[c];
      const hi = p.qmax - p.zeroPoint[c];
      const end = i + inner;
      for (; i < end; i++) {
        const r = rne(Math.fround(x[i] / s));
        out[i] = r >= lo && r <= hi ? dy[i] : 0;
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
  const sums = new Float64Array(channels);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = p.scale[c];
      const lo = p.qmin - p.zeroPoint[c];
      const hi = p.qmax - p.zeroPoint[c];
      let acc = 0;
      const end = i + inner;
      for (; i < end; i++) {
        const v = Math.fround(x[i] / s);
        const r = rne(v);
        const clamped = Math.min(hi, Math.max(lo, r));
        acc += dy[i] * (clamped === r ? r - v : clamped);
      }
      sums[c] += acc;
    }
  }
  return sums;
}

/** LSQ+ gradient of the zero point, summed per channel: 0 inside the range, -dy * s where clipped. */
export function fakeQuantizeGradZeroPoint(dy: Float32Array, x: Float32Array, layout: ChannelLayout, p: GridParams): Float64Array {
  const { outer, channels, inner } = layout;
  const sums = new Float64Array(channels);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = p.scale[c];
      const lo = p.qmin - p.zeroPoint[c];
      const hi = p.qmax - p.zeroPoint[c];
      let acc = 0;
      const end = i + inner;
      for (; i < end; i++) {
        const r = rne(Math.fround(x[i] / s));
        if (r < lo || r > hi) acc -= dy[i];
      }
      sums[c] += acc * s;
    }
  }
  return sums;
}
