// Packs int8 activations A[m x k] (row stride lda bytes) into the GEMM's A panels:
// [ceil(m/4) blocks][ceil(k/2) k-pairs][4 rows][2] int16, holding x - zp (exact: |x - zp| <= 255).
// Rows past m and the odd k's partner are zero, so they add nothing to any accumulator.
import { storeCentredPairs4x4 } from '../common/transpose';

export function pack_lhs_s8_4xk2_s16(m: i32, k: i32, a: usize, lda: usize, zp: i32, dst: usize): void {
  const kp = (k + 1) >> 1;
  const blockBytes = <usize>kp * 16;
  const vzp = i16x8.splat(<i16>zp);
  for (let i = 0; i < m; i += 4) {
    const r0 = a + <usize>i * lda;
    let d = dst + <usize>(i >> 2) * blockBytes;
    let kk = 0;
    if (m - i >= 4) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      // Eight k (four pairs) of four rows: widen, remove zp, transpose pairs.
      for (; kk + 8 <= k; kk += 8) {
        const o = <usize>kk;
        storeCentredPairs4x4(d, r0 + o, r1 + o, r2 + o, r3 + o, vzp);
        d += 64;
      }
    }
    const rows = min(4, m - i);
    for (; kk < k; kk += 2) {
      for (let r = 0; r < 4; r++) {
        let lo: i32 = 0;
        let hi: i32 = 0;
        if (r < rows) {
          const row = r0 + <usize>r * lda + <usize>kk;
          lo = <i32>load<i8>(row) - zp;
          if (kk + 1 < k) hi = <i32>load<i8>(row, 1) - zp;
        }
        store<i16>(d + <usize>r * 4, <i16>lo);
        store<i16>(d + <usize>r * 4, <i16>hi, 2);
      }
      d += 16;
    }
  }
}
