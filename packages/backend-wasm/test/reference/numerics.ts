// Independent scalar references of the kernels' numerics (docs/numerics.md), in plain TypeScript: integer
// accumulators exact in float64 (all below 2^53), float32 steps reproduced with Math.fround. Written
// without looking at or sharing code with src/.

/** Round half to even, by floor and the parity of the floor. */
export function rhe(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

export const clampTo = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** q = clamp(rhe(f32(f32(acc) * m)) + zp, lo, hi) with m = f32(sIn * sW / sOut). */
export function requant(acc: number, m: number, zp: number, lo: number, hi: number): number {
  return clampTo(rhe(Math.fround(Math.fround(acc) * m)) + zp, lo, hi);
}

// Scales are float32 (as a model file stores them): each is rounded to float32, then the multiplier is
// computed in float64 and rounded once (@qatjs/ir's requantMultiplier, the one definition).
export const mult = (sIn: number, sW: number, sOut: number): number => Math.fround((Math.fround(sIn) * Math.fround(sW)) / Math.fround(sOut));

export interface Q {
  scale: number;
  zeroPoint: number;
}

/** acc[i][j] = bias[j] + sum_k (x[i][k] - zpx) * (w[k][j] - zpw[j]); w is [k][n]. */
export function refGemmAcc(x: ArrayLike<number>, w: ArrayLike<number>, m: number, k: number, n: number, zpx: number, zpw: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      for (let kk = 0; kk < k; kk++) s += (x[i * k + kk] - zpx) * (w[kk * n + j] - zpw[j]);
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Requantizes [rows][n] accumulators with per-column multipliers. */
export function refRequantRows(acc: Float64Array, n: number, m: ArrayLike<number>, zp: number, lo: number, hi: number): Int8Array {
  return Int8Array.from(acc, (a, i) => requant(a, m[i % n], zp, lo, hi));
}

export interface Win {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
  oh: number;
  ow: number;
}

/** tfjs 'same' / 'valid' geometry for one axis: [out, padBefore]. */
export function refAxis(size: number, k: number, s: number, d: number, padding: 'same' | 'valid'): [number, number] {
  const eff = (k - 1) * d + 1;
  if (padding === 'valid') return [Math.floor((size - eff) / s) + 1, 0];
  const out = Math.floor((size + s - 1) / s);
  const total = Math.max(0, (out - 1) * s + eff - size);
  return [out, Math.floor(total / 2)];
}

/** Visits the in-bounds taps of every output pixel of an NHWC input. */
function forEachWindow(
  n: number, h: number, w: number, g: Win,
  fn: (b: number, oy: number, ox: number, taps: Array<{ iy: number; ix: number; t: number }>) => void,
): void {
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        const taps: Array<{ iy: number; ix: number; t: number }> = [];
        for (let ky = 0; ky < g.kh; ky++)
          for (let kx = 0; kx < g.kw; kx++) {
            const iy = oy * g.sh - g.padTop + ky * g.dh;
            const ix = ox * g.sw - g.padLeft + kx * g.dw;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) taps.push({ iy, ix, t: ky * g.kw + kx });
          }
        fn(b, oy, ox, taps);
      }
}

/**
 * conv2d accumulators, NHWC x HWIO [kh, kw, c / groups, cout], out [n, oh, ow, cout]; output
 * channel o belongs to group floor(o / (cout / groups)) and reads that group's input channels.
 */
export function refConv2dAcc(x: ArrayLike<number>, xs: number[], f: ArrayLike<number>, cout: number, g: Win, zpx: number, zpw: ArrayLike<number>, bias?: ArrayLike<number>, groups = 1): Float64Array {
  const [n, h, w, c] = xs;
  const cg = c / groups;
  const out = new Float64Array(n * g.oh * g.ow * cout);
  forEachWindow(n, h, w, g, (b, oy, ox, taps) => {
    for (let o = 0; o < cout; o++) {
      const grp = Math.floor(o / (cout / groups));
      let s = bias ? bias[o] : 0;
      for (const { iy, ix, t } of taps)
        for (let ci = 0; ci < cg; ci++) s += (x[((b * h + iy) * w + ix) * c + grp * cg + ci] - zpx) * (f[(t * cg + ci) * cout + o] - zpw[o]);
      out[((b * g.oh + oy) * g.ow + ox) * cout + o] = s;
    }
  });
  return out;
}

/** Depthwise accumulators, filter [kh, kw, c, mult], out channel ci * mult + q. */
export function refDepthwiseAcc(x: ArrayLike<number>, xs: number[], f: ArrayLike<number>, mult: number, g: Win, zpx: number, zpw: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const [n, h, w, c] = xs;
  const cout = c * mult;
  const out = new Float64Array(n * g.oh * g.ow * cout);
  forEachWindow(n, h, w, g, (b, oy, ox, taps) => {
    for (let ci = 0; ci < c; ci++)
      for (let q = 0; q < mult; q++) {
        const o = ci * mult + q;
        let s = bias ? bias[o] : 0;
        for (const { iy, ix, t } of taps) s += (x[((b * h + iy) * w + ix) * c + ci] - zpx) * (f[(t * c + ci) * mult + q] - zpw[o]);
        out[((b * g.oh + oy) * g.ow + ox) * cout + o] = s;
      }
  });
  return out;
}

export function refMaxPool(x: ArrayLike<number>, xs: number[], g: Win, lo: number, hi: number): Int8Array {
  const [n, h, w, c] = xs;
  const out = new Int8Array(n * g.oh * g.ow * c);
  forEachWindow(n, h, w, g, (b, oy, ox, taps) => {
    for (let ci = 0; ci < c; ci++) {
      let v = -Infinity;
      for (const { iy, ix } of taps) v = Math.max(v, x[((b * h + iy) * w + ix) * c + ci]);
      out[((b * g.oh + oy) * g.ow + ox) * c + ci] = clampTo(v, lo, hi);
    }
  });
  return out;
}

/** avg = f32(f32(sum(x - zpx)) / count); q = clamp(rhe(f32(avg * f32(sx / sy))) + zpy, lo, hi). */
export function refAvgPool(x: ArrayLike<number>, xs: number[], g: Win, qx: Q, qy: Q, lo: number, hi: number): Int8Array {
  const [n, h, w, c] = xs;
  const m = mult(qx.scale, 1, qy.scale);
  const out = new Int8Array(n * g.oh * g.ow * c);
  forEachWindow(n, h, w, g, (b, oy, ox, taps) => {
    for (let ci = 0; ci < c; ci++) {
      let s = 0;
      for (const { iy, ix } of taps) s += x[((b * h + iy) * w + ix) * c + ci] - qx.zeroPoint;
      const avg = Math.fround(Math.fround(s) / taps.length);
      out[((b * g.oh + oy) * g.ow + ox) * c + ci] = clampTo(rhe(Math.fround(avg * m)) + qy.zeroPoint, lo, hi);
    }
  });
  return out;
}

/** ONNX QuantizeLinear: clamp(rhe(f32(x / f32(scale))) + zp, lo, hi); NaN -> lo. */
export function refQuantize(x: ArrayLike<number>, q: Q, lo = -128, hi = 127): Int8Array {
  const s = Math.fround(q.scale);
  return Int8Array.from(x, (v) => (Number.isNaN(v) ? lo : clampTo(rhe(Math.fround(Math.fround(v) / s)) + q.zeroPoint, lo, hi)));
}

export function refDequantize(x: ArrayLike<number>, q: Q): Float32Array {
  const s = Math.fround(q.scale);
  return Float32Array.from(x, (v) => Math.fround((v - q.zeroPoint) * s));
}

/** clamp(rhe(f32(f32((a - zpa) * ma) + f32((b - zpb) * mb))) + zpy, lo, hi), m = f32(s / sy). */
export function refAdd(a: ArrayLike<number>, b: ArrayLike<number>, qa: Q, qb: Q, qy: Q, lo = -128, hi = 127): Int8Array {
  const ma = mult(qa.scale, 1, qy.scale);
  const mb = mult(qb.scale, 1, qy.scale);
  return Int8Array.from({ length: a.length }, (_, i) => {
    const v = Math.fround(Math.fround((a[i] - qa.zeroPoint) * ma) + Math.fround((b[i] - qb.zeroPoint) * mb));
    return clampTo(rhe(v) + qy.zeroPoint, lo, hi);
  });
}
