// Packs int8 activations A[m x k] (row stride lda bytes) for the relaxed-dot GEMM:
// [ceil(m/4) blocks] of { [ceil(k/4) k-quads][4 rows][4] int8 raw x | corr[4] i32 }, where
// corr[r] = corrScale * sum_k x[r][k]: -64 undoes the +64 that made the weights 7-bit
// (pack-rhs-s8-8xk4-rdot); 1 gives the row sums rdot2 multiplies by each column's -offset.
// Rows past m and k past the end are zero. The input zero point is folded into the bias instead.
// Nothing is staged in memory: src/threads runs this kernel on several threads at once over one
// shared memory, each on its own rows, so a fixed scratch address would be written by all of them.
import { storeTransposed4x4 } from '../common/transpose';
import { loadHead, rowSum16, storeCorrections, storeTransposedQuads } from './quads';

export function pack_lhs_s8_4xk4_rdot(m: i32, k: i32, a: usize, lda: usize, corrScale: i32, dst: usize): void {
  const kq = (k + 3) >> 2;
  const blockBytes = <usize>kq * 16 + 16;
  const zero = i32x4.splat(0);
  for (let i = 0; i < m; i += 4) {
    const r0 = a + <usize>i * lda;
    let d = dst + <usize>(i >> 2) * blockBytes;
    const corr = dst + <usize>(i >> 2) * blockBytes + <usize>kq * 16;
    const rows = min(4, m - i);
    let s0 = zero;
    let s1 = zero;
    let s2 = zero;
    let s3 = zero;
    let kk = 0;
    if (rows == 4) {
      // Sixteen k of four rows: each 32-bit lane is one row's k-quad, so a 4x4 transpose packs them.
      for (; kk + 16 <= k; kk += 16) {
        const o = <usize>kk;
        const x0 = v128.load(r0 + o);
        const x1 = v128.load(r0 + lda + o);
        const x2 = v128.load(r0 + 2 * lda + o);
        const x3 = v128.load(r0 + 3 * lda + o);
        s0 = i32x4.add(s0, rowSum16(x0));
        s1 = i32x4.add(s1, rowSum16(x1));
        s2 = i32x4.add(s2, rowSum16(x2));
        s3 = i32x4.add(s3, rowSum16(x3));
        storeTransposed4x4(d, 16, x0, x1, x2, x3);
        d += 64;
      }
    }
    // The k left over (every k of a partial block): each row's next kr bytes in a vector whose other
    // lanes are 0 (rows past m are all 0), then the same transpose, storing only the block's k-quads.
    for (; kk < k; kk += 16) {
      const kr = min(16, k - kk);
      const o = <usize>kk;
      const x0 = loadHead(r0 + o, kr);
      const x1 = rows > 1 ? loadHead(r0 + lda + o, kr) : zero;
      const x2 = rows > 2 ? loadHead(r0 + 2 * lda + o, kr) : zero;
      const x3 = rows > 3 ? loadHead(r0 + 3 * lda + o, kr) : zero;
      s0 = i32x4.add(s0, rowSum16(x0));
      s1 = i32x4.add(s1, rowSum16(x1));
      s2 = i32x4.add(s2, rowSum16(x2));
      s3 = i32x4.add(s3, rowSum16(x3));
      const q = (kr + 3) >> 2;
      storeTransposedQuads(d, q, x0, x1, x2, x3);
      d += <usize>q * 16;
    }
    storeCorrections(corr, corrScale, s0, s1, s2, s3);
  }
}
