// Plain loops that rearrange small or cheap tensors into the operands of a forward conv:
// dy with zero rows and columns inserted (for strided input gradients), and reversed filters.

/** Placement of one axis of dy in its upsampled copy: source row o goes to o*stride - cropBefore. */
export interface UpsampleAxis {
  stride: number;
  cropBefore: number;
  rows: number;
}

/**
 * dy [n, h, w, c] -> out [n, rows.rows, cols.rows, c], with dy[b, o, p] at (o*sr - cr, p*sc - cc)
 * and zeros elsewhere; positions outside the output are dropped (cropped).
 */
export function upsampleWithZeros(dy: Float32Array, shape: readonly number[], rows: UpsampleAxis, cols: UpsampleAxis, out: Float32Array): void {
  const [n, h, w, c] = shape;
  out.fill(0);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < h; o++) {
      const u = o * rows.stride - rows.cropBefore;
      if (u < 0 || u >= rows.rows) continue;
      for (let p = 0; p < w; p++) {
        const v = p * cols.stride - cols.cropBefore;
        if (v < 0 || v >= cols.rows) continue;
        const src = ((b * h + o) * w + p) * c;
        const dst = ((b * rows.rows + u) * cols.rows + v) * c;
        for (let k = 0; k < c; k++) out[dst + k] = dy[src + k];
      }
    }
  }
}

/** Conv filter [kh, kw, ci, co] -> [kh, kw, co, ci] turned 180 degrees: out[i, j, o, q] = w[kh-1-i, kw-1-j, q, o]. */
export function reverseFilterSwapChannels(w: Float32Array, shape: readonly number[], out: Float32Array): void {
  const [kh, kw, ci, co] = shape;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const dst = (i * kw + j) * co * ci;
      for (let q = 0; q < ci; q++) {
        for (let o = 0; o < co; o++) out[dst + o * ci + q] = w[src + q * co + o];
      }
    }
  }
}

/** Depthwise filter [kh, kw, c, m] turned 180 degrees in space (channel order kept). */
export function reverseFilterSpatially(w: Float32Array, shape: readonly number[], out: Float32Array): void {
  const [kh, kw, c, m] = shape;
  const tap = c * m;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      out.set(w.subarray(((kh - 1 - i) * kw + (kw - 1 - j)) * tap, ((kh - 1 - i) * kw + (kw - j)) * tap), (i * kw + j) * tap);
    }
  }
}

/** The sub-filter of taps (first[0] + i*step[0], first[1] + j*step[1]) of w [kh, kw, a, b], as [subShape[0], subShape[1], a, b]. */
export function gatherPhaseFilter(w: Float32Array, shape: readonly number[], first: readonly [number, number], step: readonly [number, number], out: Float32Array, subShape: readonly number[]): void {
  const [, kw, a, b] = shape;
  const tap = a * b;
  for (let i = 0; i < subShape[0]; i++) {
    for (let j = 0; j < subShape[1]; j++) {
      const src = ((first[0] + i * step[0]) * kw + first[1] + j * step[1]) * tap;
      out.set(w.subarray(src, src + tap), (i * subShape[1] + j) * tap);
    }
  }
}

/** Writes part [n, qh, qw, c] into out [n, h, w, c] at rows first[0] + q*step[0] and columns first[1] + q*step[1]. */
export function interleavePhase(part: Float32Array, partShape: readonly number[], first: readonly [number, number], step: readonly [number, number], out: Float32Array, outShape: readonly number[]): void {
  const [n, qh, qw, c] = partShape;
  const [, h, w] = outShape;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < qh; i++) {
      const row = (b * h + first[0] + i * step[0]) * w;
      for (let j = 0; j < qw; j++) {
        const src = ((b * qh + i) * qw + j) * c;
        const dst = (row + first[1] + j * step[1]) * c;
        for (let k = 0; k < c; k++) out[dst + k] = part[src + k];
      }
    }
  }
}

/** g [co, kh, kw, ci] with reversed taps -> filter gradient [kh, kw, ci, co]: out[i, j, q, o] = g[o, kh-1-i, kw-1-j, q]. */
export function reversedTapsToFilter(g: Float32Array, shape: readonly number[], out: Float32Array): void {
  const [co, kh, kw, ci] = shape;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let q = 0; q < ci; q++) {
        const dst = ((i * kw + j) * ci + q) * co;
        for (let o = 0; o < co; o++) out[dst + o] = g[((o * kh + (kh - 1 - i)) * kw + (kw - 1 - j)) * ci + q];
      }
    }
  }
}
