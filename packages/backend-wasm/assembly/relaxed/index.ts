// The relaxed-SIMD module (asc --enable simd,relaxed-simd), instantiated only where the runtime
// validates it. Today it holds the start-up known-answer check: Node 20 with its flag on returned
// exactly double the right i32x4.relaxed_dot_i8x16_i7x16_add_s result (PLATFORM.md), so a runtime
// that validates the instruction is trusted only after this computes the right answers.

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
