// The relaxed A layout's building blocks (pack-lhs-s8-4xk4-rdot, conv2d-s8s8-nhwc-rdot): 16 int8 of
// 4 rows become 4 k-quads of the 4 rows (a 4x4 transpose of 32-bit lanes), and each row's raw bytes
// are summed for its correction. Registers only: these kernels run on several threads at once.
import { storeTransposed4x4 } from '../common/transpose';

/** Sum of the 16 int8 lanes as 4 int32 partial sums. */
@inline export function rowSum16(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v));
}

@inline export function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/**
 * The first `kr` (1..16) bytes at src, the other lanes 0. It reads 16 bytes: at most 15 past the
 * row, which the heap's slack after every block allows (vector kernels may read, never write, there).
 */
@inline export function loadHead(src: usize, kr: i32): v128 {
  return v128.and(v128.load(src), i8x16.gt_s(i8x16.splat(<i8>kr), i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
}

/** Stores the first q (1..4) k-quads of the 4x4 transpose of rows x0..x3, 16 bytes apart. */
@inline export function storeTransposedQuads(dst: usize, q: i32, x0: v128, x1: v128, x2: v128, x3: v128): void {
  if (q == 4) {
    storeTransposed4x4(dst, 16, x0, x1, x2, x3);
    return;
  }
  // quads 0 and 1 from the low halves of the rows, quad 2 from the high
  const low01 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const low23 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  v128.store(dst, i64x2.shuffle(low01, low23, 0, 2));
  if (q > 1) v128.store(dst, i64x2.shuffle(low01, low23, 1, 3), 16);
  if (q > 2) v128.store(dst, i64x2.shuffle(i32x4.shuffle(x0, x1, 2, 6, 3, 7), i32x4.shuffle(x2, x3, 2, 6, 3, 7), 0, 2), 32);
}

/** A block's 4 row corrections (corrScale times each row's sum) after its k-quads. */
@inline export function storeCorrections(corr: usize, corrScale: i32, s0: v128, s1: v128, s2: v128, s3: v128): void {
  store<i32>(corr, corrScale * hsum(s0));
  store<i32>(corr, corrScale * hsum(s1), 4);
  store<i32>(corr, corrScale * hsum(s2), 8);
  store<i32>(corr, corrScale * hsum(s3), 12);
}
