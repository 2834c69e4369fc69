// One GRU step's gate math ("reset after") for every batch row, four hidden units per f32x4
// (src/ops/gru.ts): the int32 accumulators of x.W + biasX and h.U + biasH in, the new hidden codes
// (int8) out, exactly the float32 steps of @qatjs/ir's gru schema; sigmoid and tanh as
// float/unary-f32.ts. Gate rows are padded: gate k of unit j sits at k * hp + j.
import { sigmoid4, tanh4 } from '../float/unary-f32';

/** clamp(nearest(fround(fround(acc) * m)), lo, hi) * s: a projection on its 16-bit grid, dequantized. */
@inline function projection4(acc: usize, m: usize, s: usize, lo: v128, hi: v128): v128 {
  const v = f32x4.mul(f32x4.convert_i32x4_s(v128.load(acc)), v128.load(m));
  return f32x4.mul(f32x4.pmin(hi, f32x4.pmax(lo, f32x4.nearest(v))), v128.load(s));
}

/**
 * params p = mx[3hp], mh[3hp], s_px[3hp], s_ph[3hp] (float32); x grid [xlo, xhi], h grid [hlo, hhi]
 * of the projections; hs (int8 stored codes [batch, hp]) updated in place; the first `h` codes of
 * each new row also go to y (rows `yStride` bytes apart).
 */
export function gru_gates_s8_f32x4(
  batch: i32, hp: i32, h: i32, ax: usize, axStride: i32, ah: usize, p: usize, xlo: f32, xhi: f32, plo: f32, phi: f32,
  hs: usize, sh: f32, zh: i32, qlo: f32, qhi: f32, y: usize, yStride: i32,
): void {
  const rows = <usize>hp << 2;
  const all: usize = rows * 3;
  const xl = f32x4.splat(xlo);
  const xh = f32x4.splat(xhi);
  const pl = f32x4.splat(plo);
  const ph = f32x4.splat(phi);
  const shv = f32x4.splat(sh);
  const zhf = f32x4.splat(<f32>zh);
  const qlov = f32x4.splat(qlo);
  const qhiv = f32x4.splat(qhi);
  const one = f32x4.splat(1);
  const zhi = i32x4.splat(zh);
  for (let b = 0; b < batch; b++) {
    const axRow = ax + <usize>b * <usize>axStride;
    const ahRow = ah + <usize>b * all;
    const hRow = hs + <usize>b * <usize>hp;
    for (let j = 0; j < hp; j += 4) {
      const o4 = <usize>j << 2;
      const ax0 = axRow + o4;
      const ah0 = ahRow + o4;
      const p0 = p + o4;
      const z = sigmoid4(f32x4.add(projection4(ax0, p0, p0 + 2 * all, xl, xh), projection4(ah0, p0 + all, p0 + 3 * all, pl, ph)));
      const r = sigmoid4(f32x4.add(projection4(ax0 + rows, p0 + rows, p0 + 2 * all + rows, xl, xh), projection4(ah0 + rows, p0 + all + rows, p0 + 3 * all + rows, pl, ph)));
      const vhn = projection4(ah0 + 2 * rows, p0 + all + 2 * rows, p0 + 3 * all + 2 * rows, pl, ph);
      const nn = tanh4(f32x4.add(projection4(ax0 + 2 * rows, p0 + 2 * rows, p0 + 2 * all + 2 * rows, xl, xh), f32x4.mul(r, vhn)));
      const hPrev = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(hRow + <usize>j)));
      const dh = f32x4.convert_i32x4_s(i32x4.sub(hPrev, zhi));
      const hReal = f32x4.add(f32x4.mul(f32x4.sub(one, z), nn), f32x4.mul(f32x4.mul(z, dh), shv));
      const hNew = f32x4.pmin(qhiv, f32x4.pmax(qlov, f32x4.add(f32x4.nearest(f32x4.div(hReal, shv)), zhf)));
      const hI = i32x4.trunc_sat_f32x4_s(hNew);
      const h16 = i16x8.narrow_i32x4_s(hI, hI);
      v128.store32_lane(hRow + <usize>j, i8x16.narrow_i16x8_s(h16, h16), 0);
    }
    memory.copy(y + <usize>b * <usize>yStride, hRow, <usize>h);
  }
}
