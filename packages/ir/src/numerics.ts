// The scalar arithmetic every integer op is defined by. These functions ARE the specification: the
// runtime's kernels must produce exactly what they produce, element by element. Per-element steps are
// float32 (Math.fround after each operation), which is what WASM's f32x4 instructions compute:
// f32x4.convert_i32x4_s, f32x4.mul / f32x4.div / f32x4.add, f32x4.nearest (round half to even).
// Multipliers are computed once per tensor or channel (float64, one rounding to float32). Clamping to
// [lo - zp, hi - zp] before adding zp (XNNPACK's way, no int32 overflow) gives the same codes as
// clamping after, because lo, hi and zp are integers.

const f32 = Math.fround;

/** Round half to even (IEEE roundTiesToEven), as f32x4.nearest and tf.round. Math.round is not this. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clampCode(r: number, zp: number, lo: number, hi: number): number {
  const q = r + zp;
  return q < lo ? lo : q > hi ? hi : q;
}

/** The smallest normal float32. Scales and multipliers must be at least this (denormals are slow). */
export const MIN_NORMAL_FLOAT32 = 2 ** -126;

/**
 * The float32 multiplier that maps an int32 accumulator of `x (scale sX) * w (scale sW)` to output
 * codes of scale `sY`: fround(sX * sW / sY), the product and quotient in float64 and ONE rounding to
 * float32. Per-channel weights give one per channel; sW = 1 gives the rescale sX / sY of add and the
 * pools. Validation requires every multiplier a model needs to be a normal float32.
 */
export function requantMultiplier(sX: number, sW: number, sY: number): number {
  return f32((f32(sX) * f32(sW)) / f32(sY));
}

/**
 * DESIGN.md's requantization: q = clamp(roundHalfEven(fround(fround(acc) * m)) + zp, lo, hi).
 * `acc` is an int32; fround(acc) rounds to nearest even above 2^24, as f32x4.convert_i32x4_s does.
 */
export function requantize(acc: number, m: number, zp: number, lo: number, hi: number): number {
  return clampCode(roundHalfEven(f32(f32(acc) * m)), zp, lo, hi);
}

/**
 * ONNX QuantizeLinear in float32: q = clamp(roundHalfEven(fround(x / s)) + zp, lo, hi). A DIVISION,
 * as the fake-quantizer does (multiplying by 1/s differs in the last bit and so at ties). NaN gives
 * lo (f32x4.pmax(lo, NaN) is lo); +-Infinity give hi / lo.
 */
export function quantizeValue(x: number, s: number, zp: number, lo: number, hi: number): number {
  const v = roundHalfEven(f32(f32(x) / f32(s)));
  return Number.isNaN(v) ? lo : clampCode(v, zp, lo, hi);
}

/** ONNX DequantizeLinear in float32: fround((q - zp) * s). */
export function dequantizeValue(q: number, s: number, zp: number): number {
  return f32((q - zp) * f32(s));
}

/**
 * avgPool / globalAvgPool, one output: `sum` = the int32 sum of (x - zpX) over the window's `count`
 * in-image positions; avg = fround(fround(sum) / count); q = clamp(roundHalfEven(fround(avg * m)) + zp,
 * lo, hi) with m = requantMultiplier(sX, 1, sY). With m = 1 this is sum / count rounded half to even.
 */
export function averageRequantize(sum: number, count: number, m: number, zp: number, lo: number, hi: number): number {
  return clampCode(roundHalfEven(f32(f32(f32(sum) / count) * m)), zp, lo, hi);
}

/**
 * add: both inputs rescaled to the output's scale in float32, added, rounded:
 * v = fround(fround((a - zA) * mA) + fround((b - zB) * mB)) with mA = requantMultiplier(sA, 1, sY),
 * mB = requantMultiplier(sB, 1, sY); q = clamp(roundHalfEven(v) + zY, lo, hi).
 */
export function addQuantized(
  a: number, zA: number, sA: number,
  b: number, zB: number, sB: number,
  sY: number, zY: number, lo: number, hi: number,
): number {
  const v = f32(f32((a - zA) * requantMultiplier(sA, 1, sY)) + f32((b - zB) * requantMultiplier(sB, 1, sY)));
  return clampCode(roundHalfEven(v), zY, lo, hi);
}

/**
 * mul: the product of the two deviations (exact in int32 and float32: at most 255 * 255) requantized
 * with the multiplier s_a * s_b / s_y: q = requantize((a - zA) * (b - zB), requantMultiplier(sA, sB, sY), zY, lo, hi).
 */
export function mulQuantized(
  a: number, zA: number, sA: number,
  b: number, zB: number, sB: number,
  sY: number, zY: number, lo: number, hi: number,
): number {
  return requantize((a - zA) * (b - zB), requantMultiplier(sA, sB, sY), zY, lo, hi);
}
