// Packs int8 weights W[k x n] into the GEMM's W panels, once at model load (or per call for an
// activation x activation matmul). Element (kk, j) is at b + kk * strideK + j * strideN, so both
// [k, n] (strideN = 1) and its transpose [n, k] (strideK = 1) pack without a copy.
// A panel of 8 columns: bias[8] i32 | [ceil(k/2)][8][2] int16 holding w - zp[j] | multiplier[8] f32.
// Columns past n and the odd k's partner are zero. wzp, bias, mult: i32[n], i32[n], f32[n] or 0 (none).
import { storePanelFrame } from '../common/panel';
import { storeTransposed4x4 } from '../common/transpose';

export function packed_rhs_panel_bytes(k: i32): usize {
  return 64 + <usize>((k + 1) >> 1) * 32;
}

export function pack_rhs_s8_8xk2_s16(
  k: i32, n: i32, b: usize, strideK: usize, strideN: usize,
  wzp: usize, bias: usize, mult: usize, dst: usize,
): void {
  const kp = (k + 1) >> 1;
  const panelBytes = packed_rhs_panel_bytes(k);
  for (let j0 = 0; j0 < n; j0 += 8) {
    const p = dst + <usize>(j0 >> 3) * panelBytes;
    const cols = min(8, n - j0);
    storePanelFrame(p, <usize>kp * 32, j0, n, bias, mult);
    const w = p + 32;
    let t = 0;
    if (cols == 8) {
      const z0 = wzp != 0 ? v128.load(wzp + <usize>j0 * 4) : i32x4.splat(0);
      const z1 = wzp != 0 ? v128.load(wzp + <usize>j0 * 4, 16) : i32x4.splat(0);
      const col0 = b + <usize>j0 * strideN;
      if (strideN == 1) {
        // Rows 2t and 2t+1 of the panel's 8 columns, interleaved as int16 pairs.
        const vzp = i16x8.narrow_i32x4_s(z0, z1);
        for (; 2 * t + 1 < k; t++) {
          const row = col0 + <usize>(2 * t) * strideK;
          const e = i16x8.sub(v128.load8x8_s(row), vzp);
          const o = i16x8.sub(v128.load8x8_s(row + strideK), vzp);
          v128.store(w + <usize>t * 32, i16x8.shuffle(e, o, 0, 8, 1, 9, 2, 10, 3, 11));
          v128.store(w + <usize>t * 32, i16x8.shuffle(e, o, 4, 12, 5, 13, 6, 14, 7, 15), 16);
        }
      } else if (strideK == 1) {
        // Each column is a contiguous run of k: eight k (four pairs) of four columns transpose
        // like the A panels, columns 0-3 into the low 16 bytes of a k-pair, 4-7 into the high.
        for (; 2 * t + 8 <= k; t += 4) {
          const o = <usize>(2 * t);
          for (let h = 0; h < 2; h++) {
            const z = h == 0 ? z0 : z1;
            const c0 = col0 + <usize>(4 * h) * strideN + o;
            storeTransposed4x4(
              w + <usize>t * 32 + <usize>h * 16,
              32,
              i16x8.sub(v128.load8x8_s(c0), i16x8.splat(<i16>i32x4.extract_lane(z, 0))),
              i16x8.sub(v128.load8x8_s(c0 + strideN), i16x8.splat(<i16>i32x4.extract_lane(z, 1))),
              i16x8.sub(v128.load8x8_s(c0 + 2 * strideN), i16x8.splat(<i16>i32x4.extract_lane(z, 2))),
              i16x8.sub(v128.load8x8_s(c0 + 3 * strideN), i16x8.splat(<i16>i32x4.extract_lane(z, 3))),
            );
          }
        }
      }
    }
    // Whatever the vector paths left: partial panels, the last k-pairs, other strides.
    for (; t < kp; t++) {
      for (let jj = 0; jj < 8; jj++) {
        const j = j0 + jj;
        const z = jj < cols && wzp != 0 ? load<i32>(wzp + <usize>j * 4) : 0;
        for (let h = 0; h < 2; h++) {
          const kk = 2 * t + h;
          let v: i32 = 0;
          if (jj < cols && kk < k) v = <i32>load<i8>(b + <usize>kk * strideK + <usize>j * strideN) - z;
          store<i16>(w + <usize>t * 32 + <usize>jj * 4 + <usize>h * 2, <i16>v);
        }
      }
    }
  }
}
