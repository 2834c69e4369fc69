/** Rounds half to even, as ONNX QuantizeLinear, tf.round and f32x4.nearest do. Never use Math.round. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
