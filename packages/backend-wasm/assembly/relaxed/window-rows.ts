// Where the fused relaxed conv (conv2d-s8s8-nhwc-rdot) reads an output pixel's window from, and how
// a row of few bytes is put together in registers. Registers only: the kernel runs on several
// threads at once over one shared memory (src/threads).

/**
 * Output pixel (b, oy, ox) (ox may run past the row: it wraps to the next rows and images) -> the
 * start of its window in x (channel c0 included); the caller has checked every window lies inside.
 */
@inline export function windowOrigin(b: i32, oy: i32, ox: i32, h: i32, w: i32, c: i32, c0: i32, sh: i32, sw: i32, oh: i32, ow: i32, x: usize): usize {
  while (ox >= ow) {
    ox -= ow;
    if (++oy == oh) { oy = 0; b++; }
  }
  return x + <usize>c0 + ((<usize>b * <usize>h + <usize>(oy * sh)) * <usize>w + <usize>(ox * sw)) * <usize>c;
}

/**
 * Swizzle indices for a row of k <= 32 bytes made of filter rows of `run` <= 8 bytes: lane l of
 * segment s (k = 16 s + l) takes its byte from pair j (filter rows 2j and 2j + 1 loaded as 8 + 8
 * bytes) where that k lies in pair j, else 0x80 (swizzle gives 0: no k there, or another pair's).
 */
export function pairIndex(s: i32, j: i32, k: i32, run: i32): v128 {
  let lo: u64 = 0;
  let hi: u64 = 0;
  for (let l = 0; l < 16; l++) {
    const kk = 16 * s + l;
    let v: u64 = 0x80;
    if (kk < k) {
      const r = kk / run;
      if (r >> 1 == j) v = <u64>((r & 1) * 8 + kk - r * run);
    }
    if (l < 8) lo |= v << <u64>(8 * l);
    else hi |= v << <u64>(8 * (l - 8));
  }
  return i64x2.replace_lane(i64x2.splat(<i64>lo), 1, <i64>hi);
}

/** Filter rows 2j and 2j + 1 (`stride` bytes apart) as 8 + 8 bytes; a pair past kh rows holds 0. Reads up to 7 bytes past a run. */
@inline export function loadPair(src: usize, stride: usize, j: i32, kh: i32): v128 {
  if (2 * j >= kh) return i32x4.splat(0);
  const a = src + <usize>(2 * j) * stride;
  const v = v128.load64_zero(a);
  return 2 * j + 1 < kh ? v128.load64_lane(a + stride, v, 1) : v;
}

/**
 * 16 bytes (the indices' segment) of a row from its pairs u0..u2, each index moved by `shift`
 * bytes (the row of the pixel `shift` bytes to the right in the same loaded words). relaxed_swizzle
 * is exact here on every lowering: the indices are below 16 or (no byte) at least 0x80, which gives 0.
 */
@inline export function smallSegment(u0: v128, u1: v128, u2: v128, kh: i32, i0: v128, i1: v128, i2: v128, shift: v128): v128 {
  const a = v128.or(i8x16.relaxed_swizzle(u0, i8x16.add(i0, shift)), i8x16.relaxed_swizzle(u1, i8x16.add(i1, shift)));
  return kh > 4 ? v128.or(a, i8x16.relaxed_swizzle(u2, i8x16.add(i2, shift))) : a;
}
