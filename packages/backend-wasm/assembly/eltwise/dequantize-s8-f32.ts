// y = f32(x - zp) * scale (ONNX DequantizeLinear: x - zp is exact in f32, one rounding).

export function dequantize_s8_f32(n: i32, x: usize, y: usize, scale: f32, zp: i32): void {
  const vzp = i32x4.splat(zp);
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const x16 = v128.load8x8_s(x + <usize>i);
    const p = y + <usize>i * 4;
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_s(x16), vzp)), vs));
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_s(x16), vzp)), vs), 16);
  }
  // The same single f32 multiply, one element at a time.
  for (; i < n; i++) store<f32>(y + <usize>i * 4, <f32>(<i32>load<i8>(x + <usize>i) - zp) * scale);
}
