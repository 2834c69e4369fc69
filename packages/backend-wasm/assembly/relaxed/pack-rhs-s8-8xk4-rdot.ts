// Packs int8 weights W[k x n] for the relaxed-dot GEMM, once at load. Element (kk, j) is at
// b + kk * strideK + j * strideN; every w - zp[j] must lie in [-64, 63] (the caller checks), so
// u = w - zp[j] + 64 is 7-bit, the operand relaxed_dot_i8x16_i7x16 is exact for on every runtime.
// Panel of 8 columns: bias[8] i32 (already holding -zp_x * colsum) | [ceil(k/4)][8][4] u8 | mult[8] f32.
import { storePanelFrame } from '../common/panel';

export function pack_rhs_s8_8xk4_rdot(
  k: i32, n: i32, b: usize, strideK: usize, strideN: usize, wzp: usize, bias: usize, mult: usize, dst: usize,
): void {
  const kq = (k + 3) >> 2;
  const panelBytes: usize = 64 + <usize>kq * 32;
  for (let j0 = 0; j0 < n; j0 += 8) {
    const p = dst + <usize>(j0 >> 3) * panelBytes;
    const cols = min(8, n - j0);
    storePanelFrame(p, <usize>kq * 32, j0, n, bias, mult);
    for (let jj = 0; jj < 8; jj++) {
      const j = j0 + jj;
      const z = jj < cols && wzp != 0 ? load<i32>(wzp + <usize>j * 4) : 0;
      for (let t = 0; t < kq; t++) {
        for (let h = 0; h < 4; h++) {
          const kk = 4 * t + h;
          // Padding (columns past n, k past the end) holds u = 0, so it adds nothing.
          const u = jj < cols && kk < k ? <i32>load<i8>(b + <usize>kk * strideK + <usize>j * strideN) - z + 64 : 0;
          store<u8>(p + 32 + <usize>t * 32 + <usize>jj * 4 + <usize>h, <u8>u);
        }
      }
    }
  }
}
