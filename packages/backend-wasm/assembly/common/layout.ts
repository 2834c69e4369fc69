// Fixed addresses below the module's static data (asc --memoryBase 1024). The TypeScript heap
// starts at __heap_base, above both, so nothing it allocates can overlap them.

/** Where kernels stage a partial vector (the last elements or columns of a row): 256..528. */
export const SCRATCH: usize = 256;
/** 32 bytes for eight int32 accumulators built one lane at a time. */
export const SCRATCH_ACC: usize = SCRATCH + 128;
const SCRATCH_OUT: usize = SCRATCH + 256;

/** Copies the first `n` bytes of `v` to `dst` (n <= 16): the partial store at a tile's edge. */
@inline export function storePartial(dst: usize, v: v128, n: i32): void {
  v128.store(SCRATCH_OUT, v);
  for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, load<u8>(SCRATCH_OUT + <usize>i));
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
