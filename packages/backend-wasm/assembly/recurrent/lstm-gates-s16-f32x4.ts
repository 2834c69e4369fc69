// One LSTM step's gate math for every batch row, four hidden units per f32x4 (src/ops/lstm.ts):
// the int32 accumulators of x.W (+ bias) and h.U come in, the new cell (int16) and hidden (int8)
// codes go out. Exactly the float32 steps of @qatjs/ir's lstm schema; sigmoid and tanh are the
// f32x4 kernels of float/unary-f32.ts (within 4 ulp or 1e-7 of the float64 functions).
// Gate rows are padded: gate k of unit j sits at k * hp + j (hp = H rounded up to 4).
import { sigmoid4, tanh4 } from '../float/unary-f32';

/** clamp(nearest(fround(fround(ax) * mx) + fround(fround(ah) * mh)), lo, hi) * s_g: one gate's dequantized pre-activation. */
@inline function gate4(ax: usize, ah: usize, p: usize, off: usize, rows: usize, lo: v128, hi: v128): v128 {
  const a = f32x4.mul(f32x4.convert_i32x4_s(v128.load(ax + off)), v128.load(p + off));
  const b = f32x4.mul(f32x4.convert_i32x4_s(v128.load(ah + off)), v128.load(p + rows + off));
  const g = f32x4.pmin(hi, f32x4.pmax(lo, f32x4.nearest(f32x4.add(a, b))));
  return f32x4.mul(g, v128.load(p + 2 * rows + off));
}

/**
 * batch rows of hp units: ax rows `axStride` bytes apart, ah rows 4 hp int32 apart; params p =
 * mx[4hp], mh[4hp], s_g[4hp] (float32); c (int16) and hs (int8 stored codes) [batch, hp] updated in
 * place; the first `h` codes of each new hidden row also go to y (rows `yStride` bytes apart).
 */
export function lstm_gates_s16_f32x4(
  batch: i32, hp: i32, h: i32, ax: usize, axStride: i32, ah: usize, p: usize, glo: f32, ghi: f32,
  c: usize, sc: f32, clo: f32, chi: f32, hs: usize, sh: f32, zh: f32, hlo: f32, hhi: f32, y: usize, yStride: i32,
): void {
  const rows = <usize>hp << 2; // bytes of one gate's row of float32 / int32
  const lo = f32x4.splat(glo);
  const hi = f32x4.splat(ghi);
  const scv = f32x4.splat(sc);
  const clov = f32x4.splat(clo);
  const chiv = f32x4.splat(chi);
  const shv = f32x4.splat(sh);
  const zhv = f32x4.splat(zh);
  const hlov = f32x4.splat(hlo);
  const hhiv = f32x4.splat(hhi);
  for (let b = 0; b < batch; b++) {
    const axRow = ax + <usize>b * <usize>axStride;
    const ahRow = ah + <usize>b * (rows << 2);
    const cRow = c + ((<usize>b * <usize>hp) << 1);
    const hRow = hs + <usize>b * <usize>hp;
    for (let j = 0; j < hp; j += 4) {
      const o4 = <usize>j << 2;
      const ig = sigmoid4(gate4(axRow, ahRow, p, o4, 4 * rows, lo, hi));
      const fg = sigmoid4(gate4(axRow, ahRow, p, rows + o4, 4 * rows, lo, hi));
      const gg = tanh4(gate4(axRow, ahRow, p, 2 * rows + o4, 4 * rows, lo, hi));
      const og = sigmoid4(gate4(axRow, ahRow, p, 3 * rows + o4, 4 * rows, lo, hi));
      const cAt = cRow + (<usize>j << 1);
      const cPrev = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v128.load64_zero(cAt)));
      const cReal = f32x4.add(f32x4.mul(fg, f32x4.mul(cPrev, scv)), f32x4.mul(ig, gg));
      const cNew = f32x4.pmin(chiv, f32x4.pmax(clov, f32x4.nearest(f32x4.div(cReal, scv))));
      const cI = i32x4.trunc_sat_f32x4_s(cNew);
      v128.store64_lane(cAt, i16x8.narrow_i32x4_s(cI, cI), 0);
      const hReal = f32x4.mul(og, tanh4(f32x4.mul(cNew, scv)));
      const hNew = f32x4.pmin(hhiv, f32x4.pmax(hlov, f32x4.add(f32x4.nearest(f32x4.div(hReal, shv)), zhv)));
      const hI = i32x4.trunc_sat_f32x4_s(hNew);
      const h16 = i16x8.narrow_i32x4_s(hI, hI);
      v128.store32_lane(hRow + <usize>j, i8x16.narrow_i16x8_s(h16, h16), 0);
    }
    memory.copy(y + <usize>b * <usize>yStride, hRow, <usize>h);
  }
}
