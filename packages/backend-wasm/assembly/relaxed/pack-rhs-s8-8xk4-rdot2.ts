// Packs int8 weights W[k x n] for the rdot2 GEMM, once at load. Element (kk, j) is at
// b + kk * strideK + j * strideN. u = w - zp[j] + off[j] must lie in [0, 254] (the caller picks off[j]
// = -min over the column of w - zp[j] and checks the span), and is stored as two 7-bit halves,
// lo = min(u, 127) and hi = u - lo, both in [0, 127]: relaxed_dot_i8x16_i7x16 is exact on every
// runtime for them, and x * lo + x * hi = x * u.
// Panel of 8 columns: bias[8] i32 | [ceil(k/4)] { lo[8][4] u8, hi[8][4] u8 } | mult[8] f32 | -off[8] i32.
import { storePanelFrame } from '../common/panel';

export function pack_rhs_s8_8xk4_rdot2(
  k: i32, n: i32, b: usize, strideK: usize, strideN: usize, wzp: usize, off: usize, bias: usize, mult: usize, dst: usize,
): void {
  const kq = (k + 3) >> 2;
  const dataBytes = <usize>kq * 64;
  const panelBytes: usize = 96 + dataBytes;
  for (let j0 = 0; j0 < n; j0 += 8) {
    const p = dst + <usize>(j0 >> 3) * panelBytes;
    const cols = min(8, n - j0);
    storePanelFrame(p, dataBytes, j0, n, bias, mult);
    for (let jj = 0; jj < 8; jj++) {
      const j = j0 + jj;
      const z = jj < cols && wzp != 0 ? load<i32>(wzp + <usize>j * 4) : 0;
      const o = jj < cols ? load<i32>(off + <usize>j * 4) : 0;
      store<i32>(p + 64 + dataBytes + <usize>jj * 4, -o);
      for (let t = 0; t < kq; t++) {
        for (let h = 0; h < 4; h++) {
          const kk = 4 * t + h;
          // Padding (columns past n, k past the end) holds u = 0, so it adds nothing.
          const u = jj < cols && kk < k ? <i32>load<i8>(b + <usize>kk * strideK + <usize>j * strideN) - z + o : 0;
          const lo = min(u, 127);
          const q = p + 32 + <usize>t * 64 + <usize>jj * 4 + <usize>h;
          store<u8>(q, <u8>lo);
          store<u8>(q, <u8>(u - lo), 32);
        }
      }
    }
  }
}
