// Benchmark only (benchmarks/src/suites/gemm.ts): the plain-SIMD int8 peaks of this engine, measured
// in the same run as the GEMM.
import { gemm_s8s8_4x8c2_dot16_acc32 } from './gen/index';

/**
 * Practical peak (engine wasm-simd-peak): the GEMM's own 4x8 microkernel, `reps` times over one A
 * block and one W panel of `ksteps` K pairs that stay in L1 (int32 C, 4 rows of 32 bytes at c). Its
 * loads, dots and adds are the GEMM's; packing, edges, requantization and cache misses are not.
 */
export function peak_dot16_4x8_l1(reps: i32, ksteps: i32, a: usize, w: usize, c: usize): void {
  for (let r = 0; r < reps; r++) gemm_s8s8_4x8c2_dot16_acc32(ksteps, a, w, c, 32, 8);
}

// Register-only peak (engine wasm-simd-peak-registers). The loop is the 4x8 dot16 microkernel's
// arithmetic with nothing else: 8 int32x4 accumulators, each step 8 i32x4.dot_i16x8_s + 8 i32x4.add
// (8 x 8 = 64 MACs, 128 ops) on operands held in registers. The four A vectors rotate a place every
// step (register moves, which the CPU eliminates at rename) so the compiler cannot hoist a product
// out of the loop as loop-invariant. No loads, no packing, no requantization, no cache misses: the
// ceiling the GEMM's fraction is read against.
export function peak_dot16_4x8_registers(steps: i32, src: usize, out: usize): void {
  let a0 = v128.load(src);
  let a1 = v128.load(src, 16);
  let a2 = v128.load(src, 32);
  let a3 = v128.load(src, 48);
  const w0 = v128.load(src, 64);
  const w1 = v128.load(src, 80);
  let c00 = i32x4.splat(0);
  let c01 = i32x4.splat(0);
  let c10 = i32x4.splat(0);
  let c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0);
  let c21 = i32x4.splat(0);
  let c30 = i32x4.splat(0);
  let c31 = i32x4.splat(0);
  for (let s = 0; s < steps; s++) {
    c00 = i32x4.add(c00, i32x4.dot_i16x8_s(a0, w0));
    c01 = i32x4.add(c01, i32x4.dot_i16x8_s(a0, w1));
    c10 = i32x4.add(c10, i32x4.dot_i16x8_s(a1, w0));
    c11 = i32x4.add(c11, i32x4.dot_i16x8_s(a1, w1));
    c20 = i32x4.add(c20, i32x4.dot_i16x8_s(a2, w0));
    c21 = i32x4.add(c21, i32x4.dot_i16x8_s(a2, w1));
    c30 = i32x4.add(c30, i32x4.dot_i16x8_s(a3, w0));
    c31 = i32x4.add(c31, i32x4.dot_i16x8_s(a3, w1));
    const t = a0;
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = t;
  }
  v128.store(out, i32x4.add(i32x4.add(c00, c01), i32x4.add(c10, c11)));
  v128.store(out, i32x4.add(i32x4.add(c20, c21), i32x4.add(c30, c31)), 16);
}
