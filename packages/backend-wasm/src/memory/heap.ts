// A small first-fit allocator over the kernels' WebAssembly.Memory. Blocks are 64-byte aligned
// (a cache line, and every SIMD load aligned), zero-filled, and reserve 16 bytes of slack past the
// requested size: the vector kernels may read (never write) up to 15 bytes past a tensor's end.
// Freed blocks coalesce with their neighbours; the memory grows (at least 1.5x) when nothing fits.
import { BackendWasmError } from '../errors.ts';

const PAGE = 65536;
export const HEAP_ALIGN = 64;
export const HEAP_SLACK = 16;

interface FreeRange {
  ptr: number;
  size: number;
}

export interface HeapStats {
  /** Bytes reserved by live blocks (alignment and slack included). */
  readonly bytesInUse: number;
  /** Live blocks. */
  readonly blocks: number;
  /** Bytes in freed ranges below the top, reusable without growing. */
  readonly bytesFree: number;
  /** The WebAssembly memory's current size. */
  readonly memoryBytes: number;
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export class Heap {
  readonly #memory: WebAssembly.Memory;
  readonly #maxBytes: number;
  #top: number;
  readonly #free: FreeRange[] = [];
  readonly #live = new Map<number, number>();
  #inUse = 0;

  /** Manages [base, maxBytes) of `memory`; below base belongs to the module (static data, scratch). */
  constructor(memory: WebAssembly.Memory, base: number, maxBytes: number) {
    this.#memory = memory;
    this.#maxBytes = maxBytes;
    this.#top = alignUp(base, HEAP_ALIGN);
  }

  /** Reserves `bytes` (>= 0) and returns the block's address; the bytes read as zero. */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new BackendWasmError(`cannot allocate ${bytes} bytes: need a non-negative integer`);
    const size = alignUp(bytes + HEAP_SLACK, HEAP_ALIGN);
    let ptr = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const r = this.#free[i];
      if (r.size < size) continue;
      ptr = r.ptr;
      if (r.size === size) this.#free.splice(i, 1);
      else {
        r.ptr += size;
        r.size -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.#top;
      this.#ensure(ptr + size);
      this.#top = ptr + size;
    }
    new Uint8Array(this.#memory.buffer, ptr, size).fill(0);
    this.#live.set(ptr, size);
    this.#inUse += size;
    return ptr;
  }

  /** Returns a block to the heap. Freeing an address twice, or one never allocated, throws. */
  free(ptr: number): void {
    const size = this.#live.get(ptr);
    if (size === undefined) throw new BackendWasmError(`free(${ptr}): not a live block (freed twice?)`);
    this.#live.delete(ptr);
    this.#inUse -= size;
    // Insert sorted by address, then merge with the neighbours it touches.
    let i = 0;
    while (i < this.#free.length && this.#free[i].ptr < ptr) i++;
    this.#free.splice(i, 0, { ptr, size });
    if (i + 1 < this.#free.length && ptr + size === this.#free[i + 1].ptr) {
      this.#free[i].size += this.#free[i + 1].size;
      this.#free.splice(i + 1, 1);
    }
    if (i > 0 && this.#free[i - 1].ptr + this.#free[i - 1].size === ptr) {
      this.#free[i - 1].size += this.#free[i].size;
      this.#free.splice(i, 1);
      i--;
    }
    // A free range that reaches the top gives its bytes back to the top.
    const last = this.#free[this.#free.length - 1];
    if (last && last.ptr + last.size === this.#top) {
      this.#top = last.ptr;
      this.#free.pop();
    }
  }

  /** True if [ptr, ptr + bytes) lies inside one live block (the check every kernel call relies on). */
  contains(ptr: number, bytes: number): boolean {
    const size = this.#live.get(ptr);
    return size !== undefined && bytes + HEAP_SLACK <= size;
  }

  stats(): HeapStats {
    return {
      bytesInUse: this.#inUse,
      blocks: this.#live.size,
      bytesFree: this.#free.reduce((s, r) => s + r.size, 0),
      memoryBytes: this.#memory.buffer.byteLength,
    };
  }

  #ensure(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end <= have) return;
    if (end > this.#maxBytes) {
      throw new BackendWasmError(`out of WASM memory: need ${end} bytes, the limit is ${this.#maxBytes} (set maximumMemoryBytes in createKernels)`);
    }
    const want = Math.min(this.#maxBytes, Math.max(end, Math.floor(have * 1.5)));
    try {
      this.#memory.grow(Math.ceil((want - have) / PAGE));
    } catch (e) {
      throw new BackendWasmError(`could not grow WASM memory to ${want} bytes: ${(e as Error).message}`);
    }
  }
}
