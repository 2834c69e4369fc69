/** 4x4 transpose of 32-bit lanes: out[j] = [r0[j], r1[j], r2[j], r3[j]], stored 16 bytes apart. */
@inline export function storeTransposed4x4(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(dst + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(dst + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(dst + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

/** 8 int8 of each of 4 rows, widened and centred (minus zp), as 4 K-pairs of the 4 rows (pack_lhs's panel step). */
@inline export function storeCentredPairs4x4(dst: usize, r0: usize, r1: usize, r2: usize, r3: usize, vzp: v128): void {
  storeTransposed4x4(
    dst,
    16,
    i16x8.sub(v128.load8x8_s(r0), vzp),
    i16x8.sub(v128.load8x8_s(r1), vzp),
    i16x8.sub(v128.load8x8_s(r2), vzp),
    i16x8.sub(v128.load8x8_s(r3), vzp),
  );
}
