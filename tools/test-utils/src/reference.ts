// Independent float64 reference implementations of docs/numerics.md's formulas, in plain TypeScript
// (no tfjs, no code shared with the library). Float32 steps are reproduced with Math.fround.

/** Round half to even, written differently from the library's version on purpose. */
export function refRoundHalfEven(v: number): number {
  const t = Math.trunc(v);
  const frac = Math.abs(v - t);
  if (frac < 0.5) return t;
  if (frac > 0.5) return t + Math.sign(v);
  return t % 2 === 0 ? t : t + Math.sign(v);
}

export interface RefGrid {
  scale: number[];
  zeroPoint: number[];
  qmin: number;
  qmax: number;
  /** undefined: per-tensor */
  axis?: number;
}

/** Channel index of each flat element for a row-major tensor of `shape`. */
export function channelIndex(shape: readonly number[], axis: number | undefined): (flat: number) => number {
  if (axis === undefined) return () => 0;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const c = shape[axis];
  return (flat) => Math.floor(flat / inner) % c;
}

function zpInt(z: number, qmin: number, qmax: number): number {
  return Math.min(qmax, Math.max(qmin, refRoundHalfEven(z)));
}

/** ONNX QuantizeLinear + DequantizeLinear in float32 steps. */
export function refFakeQuantize(x: ArrayLike<number>, shape: readonly number[], g: RefGrid): Float32Array {
  const ch = channelIndex(shape, g.axis);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = Math.fround(g.scale[ch(i)]);
    const z = zpInt(g.zeroPoint[ch(i)], g.qmin, g.qmax);
    const v = Math.fround(Math.fround(x[i]) / s);
    const q = Math.min(g.qmax, Math.max(g.qmin, refRoundHalfEven(v) + z));
    out[i] = Math.fround((q - z) * s);
  }
  return out;
}

export interface RefGrads {
  dx: Float64Array;
  dscale: Float64Array;
  dzeroPoint: Float64Array;
}

/** The clipped STE and LSQ/LSQ+ closed forms of docs/numerics.md, reduced per channel. */
export function refFakeQuantizeGrads(x: ArrayLike<number>, dy: ArrayLike<number>, shape: readonly number[], g: RefGrid): RefGrads {
  const ch = channelIndex(shape, g.axis);
  const n = g.scale.length;
  const dx = new Float64Array(x.length);
  const dscale = new Float64Array(n);
  const dzeroPoint = new Float64Array(n);
  for (let i = 0; i < x.length; i++) {
    const c = ch(i);
    const s = Math.fround(g.scale[c]);
    const z = zpInt(g.zeroPoint[c], g.qmin, g.qmax);
    const v = Math.fround(Math.fround(x[i]) / s);
    const r = refRoundHalfEven(v);
    const q = r + z;
    if (q < g.qmin) {
      dscale[c] += dy[i] * (g.qmin - z);
      dzeroPoint[c] += -dy[i] * s;
    } else if (q > g.qmax) {
      dscale[c] += dy[i] * (g.qmax - z);
      dzeroPoint[c] += -dy[i] * s;
    } else {
      dx[i] = dy[i];
      dscale[c] += dy[i] * (r - v);
    }
  }
  return { dx, dscale, dzeroPoint };
}

/**
 * The function whose exact derivative the STE gradients are: fake quantization with each element's
 * rounding offset (round(v) - v) and clip side frozen at (x0, s0, z0). Finite differences of it
 * check the gradients independently of the closed forms.
 */
export function steSurrogate(x0: ArrayLike<number>, shape: readonly number[], g0: RefGrid) {
  const ch = channelIndex(shape, g0.axis);
  const offset = new Float64Array(x0.length);
  const side = new Int8Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    const c = ch(i);
    const s = Math.fround(g0.scale[c]);
    const z = zpInt(g0.zeroPoint[c], g0.qmin, g0.qmax);
    const v = Math.fround(Math.fround(x0[i]) / s);
    const r = refRoundHalfEven(v);
    offset[i] = r - v;
    side[i] = r + z < g0.qmin ? -1 : r + z > g0.qmax ? 1 : 0;
  }
  /** sum_i w_i * y_i at (x, scale, zeroPoint), in float64. */
  return (x: ArrayLike<number>, scale: number[], zeroPoint: number[], w: ArrayLike<number>): number => {
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      const c = ch(i);
      const s = scale[c];
      const z = zeroPoint[c];
      const q = side[i] < 0 ? g0.qmin : side[i] > 0 ? g0.qmax : x[i] / s + offset[i] + z;
      total += w[i] * (q - z) * s;
    }
    return total;
  };
}

/** numpy-style percentile with linear interpolation, by full sort. */
export function refPercentile(values: ArrayLike<number>, p: number): number {
  const a = Array.from(values).sort((u, v) => u - v);
  const pos = (p / 100) * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

/** Scale and zero point from a range, per docs/numerics.md (PyTorch's rule), in float64 then float32. */
export function refQParams(min: number, max: number, o: { qmin: number; qmax: number; symmetric: boolean; signed: boolean }): { scale: number; zeroPoint: number } {
  const eps = 2 ** -23;
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (o.symmetric) {
    const top = o.signed ? Math.max(-lo, hi) : hi;
    return { scale: Math.fround(Math.max(top / o.qmax, eps)), zeroPoint: 0 };
  }
  const scale = Math.fround(Math.max((hi - lo) / (o.qmax - o.qmin), eps));
  const zp = o.qmin - refRoundHalfEven(lo / scale);
  return { scale, zeroPoint: Math.min(o.qmax, Math.max(o.qmin, zp)) };
}
