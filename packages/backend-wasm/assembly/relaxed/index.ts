// The relaxed-SIMD module (asc --enable simd,relaxed-simd). It is compiled only where the runtime
// validates it and used only after relaxed_dot_kat computes known answers: Node 20 with its flag on
// returned wrong i32x4.relaxed_dot_i8x16_i7x16_add_s results (measured). It imports the same
// memory as the SIMD128 module and uses the same scratch addresses (calls never interleave).
export { pack_lhs_s8_4xk4_rdot } from './pack-lhs-s8-4xk4-rdot';
export { pack_rhs_s8_8xk4_rdot } from './pack-rhs-s8-8xk4-rdot';
export { gemm_s8s7_rdot } from './gen/gemm-s8s7-rdot';
export { pack_rhs_s8_8xk4_rdot2 } from './pack-rhs-s8-8xk4-rdot2';
export { gemm_s8s8_rdot2 } from './gen2/gemm-s8s8-rdot2';
export { conv2d_s8s8_nhwc_rdot } from './conv2d-s8s8-nhwc-rdot';

/**
 * For each of `cases` records of 64 bytes at p: a (i8x16), b (i7x16: lanes in [0, 127]), c (i32x4)
 * in, r = relaxed_dot_i8x16_i7x16_add_s(a, b, c) written at +48.
 */
export function relaxed_dot_kat(p: usize, cases: i32): void {
  for (let i = 0; i < cases; i++) {
    const q = p + <usize>i * 64;
    v128.store(q, i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(q), v128.load(q, 16), v128.load(q, 32)), 48);
  }
}
