// Fixed addresses below the module's static data (asc --memoryBase 1024). The TypeScript heap
// starts at __heap_base, above both, so nothing it allocates can overlap them.

/**
 * Where kernels stage a partial vector (the last elements or columns of a row), and SCRATCH_ACC: 256..416.
 * Only for kernels that never run on two threads at once, or for the tail of a kernel split into
 * whole cache lines (quantize, add: src/threads/split-eltwise.ts), which only the last chunk has.
 */
export const SCRATCH: usize = 256;
/** 32 bytes for eight int32 accumulators built one lane at a time. */
export const SCRATCH_ACC: usize = SCRATCH + 128;

/**
 * Copies the first `n` bytes of `v` to `dst` (n <= 16): the partial store at a tile's edge. Lane
 * stores from registers, no staging in memory: two threads running a kernel over one shared memory
 * (src/threads/) must not share a fixed scratch address.
 */
@inline export function storePartial(dst: usize, v: v128, n: i32): void {
  if (n >= 16) {
    v128.store(dst, v);
    return;
  }
  if (n & 8) {
    v128.store64_lane(dst, v, 0);
    v = i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0);
    dst += 8;
  }
  if (n & 4) {
    v128.store32_lane(dst, v, 0);
    v = i8x16.shuffle(v, v, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0);
    dst += 4;
  }
  if (n & 2) {
    v128.store16_lane(dst, v, 0);
    v = i8x16.shuffle(v, v, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0);
    dst += 2;
  }
  if (n & 1) v128.store8_lane(dst, v, 0);
}

/** Two 64-byte staging areas (slot 0 and 1) for loops' last partial vectors. */
export const STAGE0: usize = SCRATCH;
export const STAGE1: usize = SCRATCH + 64;

/**
 * Copies `n` bytes (n < 64) from `src` into a zeroed staging area and returns its address, so a
 * loop's last partial vector runs through the same code (and numerics) as the full ones.
 */
@inline export function stagePartial(stage: usize, src: usize, n: i32): usize {
  v128.store(stage, i32x4.splat(0));
  v128.store(stage, i32x4.splat(0), 16);
  v128.store(stage, i32x4.splat(0), 32);
  v128.store(stage, i32x4.splat(0), 48);
  for (let i = 0; i < n; i++) store<u8>(stage + <usize>i, load<u8>(src + <usize>i));
  return stage;
}
