// The scalar arithmetic every integer op is defined by. These functions ARE the specification: the
// runtime's kernels must produce exactly what they produce, element by element. Every step is float32
// (Math.fround after each operation), which is what WASM's f32x4 instructions compute:
// f32x4.convert_i32x4_s, f32x4.mul / f32x4.div, f32x4.nearest (round half to even) and a saturating
// truncation. Clamping to [lo - zp, hi - zp] before rounding (XNNPACK's way, avoids int32 overflow)
// gives the same codes as rounding first, because lo, hi and zp are integers.

const f32 = Math.fround;

/** Round half to even (IEEE roundTiesToEven), as f32x4.nearest and tf.round. Math.round is not this. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clampCode(r: number, zp: number, lo: number, hi: number): number {
  const q = (Number.isNaN(r) ? 0 : r) + zp;
  return q < lo ? lo : q > hi ? hi : q;
}

/**
 * The float32 multiplier that maps an int32 accumulator of `x (scale sX) * w (scale sW)` to output
 * codes of scale `sY`: fround(fround(sX * sW) / sY). Per-channel weights give one per channel.
 */
export function requantMultiplier(sX: number, sW: number, sY: number): number {
  return f32(f32(f32(sX) * f32(sW)) / f32(sY));
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
 * as the fake-quantizer does (multiplying by 1/s differs in the last bit and so at ties). NaN gives zp
 * (then clamped); +-Infinity give hi / lo.
 */
export function quantizeValue(x: number, s: number, zp: number, lo: number, hi: number): number {
  return clampCode(roundHalfEven(f32(f32(x) / f32(s))), zp, lo, hi);
}

/** ONNX DequantizeLinear in float32: fround((q - zp) * s). */
export function dequantizeValue(q: number, s: number, zp: number): number {
  return f32((q - zp) * f32(s));
}

/**
 * avgPool / globalAvgPool: the multiplier for a window of `count` real (unpadded) elements,
 * fround(sX / fround(sY * count)); the output code is requantize(sum(x - zpX), m, zpY, lo, hi).
 */
export function averageMultiplier(sX: number, sY: number, count: number): number {
  return f32(f32(sX) / f32(f32(sY) * count));
}

/**
 * add: dequantize both operands, add, quantize (the QDQ graph's meaning, bit for bit):
 * y = fround(fround((a - zA) * sA) + fround((b - zB) * sB)); q = quantizeValue(y, sY, zY, lo, hi).
 */
export function addQuantized(
  a: number, zA: number, sA: number,
  b: number, zB: number, sB: number,
  sY: number, zY: number, lo: number, hi: number,
): number {
  const y = f32(dequantizeValue(a, sA, zA) + dequantizeValue(b, sB, zB));
  return quantizeValue(y, sY, zY, lo, hi);
}
