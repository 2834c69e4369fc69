// The raw exports of the SIMD128 module (assembly/index.ts). Pointers are byte offsets into the
// shared memory; nothing here checks anything, which is the TypeScript layer's job.
type I = number;

export interface Simd128Exports {
  heap_base(): I;
  packed_rhs_panel_bytes(k: I): I;
  pack_lhs_s8_4xk2_s16(m: I, k: I, a: I, lda: I, zp: I, dst: I): void;
  pack_rhs_s8_8xk2_s16(k: I, n: I, b: I, strideK: I, strideN: I, wzp: I, bias: I, mult: I, dst: I): void;
  gemm_s8s8_dot16(m: I, n: I, k: I, aPacked: I, w: I, c: I, ldc: I, acc32: I, zp: I, lo: I, hi: I, ncBlock: I): void;
  /** Benchmark only: reps x ksteps x 128 ops of the 4x8 dot16 microkernel on L1 data (assembly/gemm/peak-dot16-4x8.ts). */
  peak_dot16_4x8_l1(reps: I, ksteps: I, a: I, w: I, c: I): void;
  /** Benchmark only: steps x 128 ops of the 4x8 dot16 arithmetic on registers (assembly/gemm/peak-dot16-4x8.ts). */
  peak_dot16_4x8_registers(steps: I, src: I, out: I): void;
  /** A padded copy of NHWC images: int8 with zero-point pads (widen 0) or int16 x - zp with zero pads (widen 1) (assembly/conv/pad-s8-nhwc.ts). */
  pad_s8_nhwc(batch: I, h: I, w: I, c: I, padTop: I, padBottom: I, padLeft: I, padRight: I, x: I, zp: I, widen: I, dst: I): void;
  /** Output pixels [p0, p1) of the batch (assembly/conv/conv2d-s8s8-nhwc-dot16.ts). */
  conv2d_s8s8_nhwc_dot16(
    p0: I, p1: I, h: I, w: I, c: I, c0: I, cg: I, kh: I, kw: I, sh: I, sw: I, dh: I, dw: I,
    padTop: I, padLeft: I, oh: I, ow: I, x: I, zpx: I, direct: I, lda: I,
    n: I, wp: I, y: I, ldc: I, acc32: I, zp: I, lo: I, hi: I, ncBlock: I, mc: I, rows: I, packed: I,
  ): void;
  dwconv2d_s8s8_nhwc_fp32(
    batch: I, h: I, w: I, c: I, mult: I, kh: I, kw: I, sh: I, sw: I, dh: I, dw: I,
    padTop: I, padLeft: I, oh: I, ow: I, x: I, zpx: I, wp: I, y: I, acc32: I, zpy: I, lo: I, hi: I,
  ): void;
  maxpool2d_s8_nhwc(
    batch: I, h: I, w: I, c: I, kh: I, kw: I, sh: I, sw: I, padTop: I, padLeft: I, oh: I, ow: I,
    x: I, y: I, lo: I, hi: I,
  ): void;
  avgpool2d_s8_nhwc_fp32(
    batch: I, h: I, w: I, c: I, kh: I, kw: I, sh: I, sw: I, padTop: I, padLeft: I, oh: I, ow: I,
    x: I, zpx: I, m: number, y: I, zpy: I, lo: I, hi: I,
  ): void;
  quantize_f32_s8_fp32(n: I, x: I, y: I, scale: number, zp: I, lo: I, hi: I): void;
  dequantize_s8_f32(n: I, x: I, y: I, scale: number, zp: I): void;
  add_s8s8_fp32(n: I, a: I, b: I, y: I, zpA: I, mA: number, zpB: I, mB: number, zpY: I, lo: I, hi: I): void;
  binary_s8s8_fp32(
    op: I, d0: I, d1: I, d2: I, n: I, a: I, a0: I, a1: I, a2: I, sa: I, b: I, b0: I, b1: I, b2: I, sb: I, y: I,
    zpA: I, mA: number, zpB: I, mB: number, zpY: I, lo: I, hi: I,
  ): void;
  unary_f32(op: I, n: I, x: I, y: I): void;
  binary_f32(op: I, d0: I, d1: I, d2: I, n: I, a: I, a0: I, a1: I, a2: I, sa: I, b: I, b0: I, b1: I, b2: I, sb: I, y: I): void;
  lstm_gates_s16_f32x4(
    batch: I, hp: I, h: I, ax: I, axStride: I, ah: I, p: I, glo: number, ghi: number,
    c: I, sc: number, clo: number, chi: number, hs: I, sh: number, zh: number, hlo: number, hhi: number, y: I, yStride: I,
  ): void;
  gru_gates_s8_f32x4(
    batch: I, hp: I, h: I, ax: I, axStride: I, ah: I, p: I, xlo: number, xhi: number, plo: number, phi: number,
    hs: I, sh: number, zh: I, qlo: number, qhi: number, y: I, yStride: I,
  ): void;
  layer_norm_f32x4(rows: I, d: I, x: I, gamma: I, beta: I, eps: number, y: I): void;
  softmax_f32x4(rows: I, t: I, s: I, scale: number, causal: I, x: I, y: I): void;
  gelu_f32x4(n: I, x: I, y: I): void;
}

/** The relaxed-SIMD module's exports (assembly/relaxed/index.ts), over the same memory. */
export interface RelaxedExports {
  relaxed_dot_kat(p: I, cases: I): void;
  pack_lhs_s8_4xk4_rdot(m: I, k: I, a: I, lda: I, corrScale: I, dst: I): void;
  pack_rhs_s8_8xk4_rdot(k: I, n: I, b: I, strideK: I, strideN: I, wzp: I, bias: I, mult: I, dst: I): void;
  gemm_s8s7_rdot(m: I, n: I, k: I, aPacked: I, w: I, c: I, ldc: I, acc32: I, zp: I, lo: I, hi: I, ncBlock: I): void;
  pack_rhs_s8_8xk4_rdot2(k: I, n: I, b: I, strideK: I, strideN: I, wzp: I, off: I, bias: I, mult: I, dst: I): void;
  gemm_s8s8_rdot2(m: I, n: I, k: I, aPacked: I, w: I, c: I, ldc: I, acc32: I, zp: I, lo: I, hi: I, ncBlock: I): void;
  /** Output pixels [p0, p1) of the batch; the dot16 conv's arguments, then two = 1 for rdot2 (assembly/relaxed/conv2d-s8s8-nhwc-rdot.ts). */
  conv2d_s8s8_nhwc_rdot(
    p0: I, p1: I, h: I, w: I, c: I, c0: I, cg: I, kh: I, kw: I, sh: I, sw: I, dh: I, dw: I,
    padTop: I, padLeft: I, oh: I, ow: I, x: I, zpx: I, direct: I, lda: I,
    n: I, wp: I, y: I, ldc: I, acc32: I, zp: I, lo: I, hi: I, ncBlock: I, mc: I, rows: I, packed: I, two: I,
  ): void;
}
