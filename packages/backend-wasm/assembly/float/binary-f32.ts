// Float32 add and mul with numpy broadcasting: y = fround(a + b) or fround(a * b), exactly (IEEE
// single precision, no flushing: the result must equal @qatjs/ir's reference bit for bit).
// The output is contiguous; src/ops/broadcast.ts folds the shapes into up to three outer loops with
// byte strides per operand and an inner run where each operand is contiguous (4) or one value (0).
import { STAGE0, STAGE1, stagePartial, storePartial } from '../common/layout';

@inline function load4(p: usize, stride: usize): v128 {
  return stride == 0 ? v128.load32_splat(p) : v128.load(p);
}

@inline function op4(op: i32, a: v128, b: v128): v128 {
  return op == 0 ? f32x4.add(a, b) : f32x4.mul(a, b);
}

@inline function row(op: i32, n: i32, a: usize, sa: usize, b: usize, sb: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, op4(op, load4(a + o * (sa >> 2), sa), load4(b + o * (sb >> 2), sb)));
  }
  if (i < n) {
    const bytes = (n - i) << 2;
    const o = <usize>i << 2;
    const va = sa == 0 ? v128.load32_splat(a) : v128.load(stagePartial(STAGE0, a + o, bytes));
    const vb = sb == 0 ? v128.load32_splat(b) : v128.load(stagePartial(STAGE1, b + o, bytes));
    storePartial(y + o, op4(op, va, vb), bytes);
  }
}

/**
 * op 0: add, 1: mul. y[i0][i1][i2][j] = a[i0 a0 + i1 a1 + i2 a2 + j sa] op b[...] (byte strides),
 * for i0 < d0, i1 < d1, i2 < d2, j < n; sa and sb are 4 (contiguous) or 0 (broadcast).
 */
export function binary_f32(
  op: i32, d0: i32, d1: i32, d2: i32, n: i32,
  a: usize, a0: usize, a1: usize, a2: usize, sa: usize,
  b: usize, b0: usize, b1: usize, b2: usize, sb: usize, y: usize,
): void {
  let yp = y;
  const rowBytes = <usize>n << 2;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const ap = a + <usize>i0 * a0 + <usize>i1 * a1 + <usize>i2 * a2;
        const bp = b + <usize>i0 * b0 + <usize>i1 * b1 + <usize>i2 * b2;
        if (op == 0) row(0, n, ap, sa, bp, sb, yp);
        else row(1, n, ap, sa, bp, sb, yp);
        yp += rowBytes;
      }
    }
  }
}
