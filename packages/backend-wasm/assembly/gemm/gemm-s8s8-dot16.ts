// The GEMM driver: C[m x n] = A[m x k] . W[k x n] over packed panels (pack-lhs / pack-rhs), one
// microkernel call a 4x8 tile. Columns are taken in chunks of ncBlock so the chunk's W panels stay
// in L2 while every 4-row A panel streams past them once (the caller picks ncBlock from k).
// acc32 = 0: int8 C requantized with the panels' multipliers, zero point zp, clamp [lo, hi].
// acc32 = 1: int32 C, the exact accumulators bias + sum((x - zp_x) * (w - zp_w)). ldc in bytes.
import {
  gemm_s8s8_1x8c2_dot16_acc32, gemm_s8s8_1x8c2_dot16_fp32,
  gemm_s8s8_2x8c2_dot16_acc32, gemm_s8s8_2x8c2_dot16_fp32,
  gemm_s8s8_3x8c2_dot16_acc32, gemm_s8s8_3x8c2_dot16_fp32,
  gemm_s8s8_4x8c2_dot16_acc32, gemm_s8s8_4x8c2_dot16_fp32,
} from './gen/index';
import { packed_rhs_panel_bytes } from '../pack/pack-rhs-s8-8xk2-s16';

@inline function tile(mr: i32, kp: i32, a: usize, w: usize, c: usize, ldc: usize, nc: i32, acc32: i32, zp: i32, lo: i32, hi: i32): void {
  if (acc32 != 0) {
    if (mr == 4) gemm_s8s8_4x8c2_dot16_acc32(kp, a, w, c, ldc, nc);
    else if (mr == 3) gemm_s8s8_3x8c2_dot16_acc32(kp, a, w, c, ldc, nc);
    else if (mr == 2) gemm_s8s8_2x8c2_dot16_acc32(kp, a, w, c, ldc, nc);
    else gemm_s8s8_1x8c2_dot16_acc32(kp, a, w, c, ldc, nc);
  } else {
    if (mr == 4) gemm_s8s8_4x8c2_dot16_fp32(kp, a, w, c, ldc, nc, zp, lo, hi);
    else if (mr == 3) gemm_s8s8_3x8c2_dot16_fp32(kp, a, w, c, ldc, nc, zp, lo, hi);
    else if (mr == 2) gemm_s8s8_2x8c2_dot16_fp32(kp, a, w, c, ldc, nc, zp, lo, hi);
    else gemm_s8s8_1x8c2_dot16_fp32(kp, a, w, c, ldc, nc, zp, lo, hi);
  }
}

export function gemm_s8s8_dot16(
  m: i32, n: i32, k: i32, aPacked: usize, w: usize, c: usize, ldc: usize,
  acc32: i32, zp: i32, lo: i32, hi: i32, ncBlock: i32,
): void {
  const kp = (k + 1) >> 1;
  const aBlockBytes = <usize>kp * 16;
  const panelBytes = packed_rhs_panel_bytes(k);
  const elemBytes: usize = acc32 != 0 ? 4 : 1;
  for (let j0 = 0; j0 < n; j0 += ncBlock) {
    const jEnd = min(n, j0 + ncBlock);
    for (let i = 0; i < m; i += 4) {
      const mr = min(4, m - i);
      const a = aPacked + <usize>(i >> 2) * aBlockBytes;
      const cRow = c + <usize>i * ldc;
      for (let j = j0; j < jEnd; j += 8) {
        tile(mr, kp, a, w + <usize>(j >> 3) * panelBytes, cRow + <usize>j * elemBytes, ldc, min(8, n - j), acc32, zp, lo, hi);
      }
    }
  }
}
