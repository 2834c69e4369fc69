// Chunks of the memory-bound calls a large batch would otherwise leave to the main thread alone,
// between the split convs and GEMMs: quantize and add by element ranges, max pool by whole images.
// Element ranges start on multiples of 64 (a cache line of int8 output: no two threads write one
// line), so only the last chunk has a tail, the one part of these kernels that stages bytes at a
// fixed address (common/layout): one thread at a time uses it.
import { chunkBoundaries } from './chunks.ts';
import { Kernel, type KernelCall } from './protocol.ts';

// Argument positions (load/exports.ts).
const QUANTIZE = { n: 0, x: 1, y: 2 } as const;
const ADD = { n: 0, a: 1, b: 2, y: 3 } as const;
const POOL = { batch: 0, h: 1, w: 2, c: 3, oh: 10, ow: 11, x: 12, y: 13 } as const;

/**
 * The chunks of an elementwise or pool call for `threads` threads, or null to run it whole: when it
 * reads fewer than `minBytes` (a hand-off would cost more than it saves) or has too few units.
 */
export function eltwiseChunks(call: KernelCall, threads: number, minBytes: number): KernelCall[][] | null {
  const a = call.args;
  const ranges = (total: number, unit: number, bytes: number) => (bytes < minBytes ? null : chunkBoundaries(total, unit, threads));
  const cut = (b: number[] | null, part: (args: number[], i0: number, i1: number) => void): KernelCall[][] | null => {
    if (b === null || b.length < 3) return null;
    return b.slice(1).map((i1, t) => {
      const args = [...a];
      part(args, b[t], i1);
      return [{ kernel: call.kernel, args }];
    });
  };
  switch (call.kernel) {
    case Kernel.Quantize:
      return cut(ranges(a[QUANTIZE.n], 64, 4 * a[QUANTIZE.n]), (args, i0, i1) => {
        args[QUANTIZE.n] = i1 - i0;
        args[QUANTIZE.x] += 4 * i0;
        args[QUANTIZE.y] += i0;
      });
    case Kernel.Add:
      return cut(ranges(a[ADD.n], 64, 2 * a[ADD.n]), (args, i0, i1) => {
        args[ADD.n] = i1 - i0;
        args[ADD.a] += i0;
        args[ADD.b] += i0;
        args[ADD.y] += i0;
      });
    case Kernel.MaxPool: {
      const [image, outImage] = [a[POOL.h] * a[POOL.w] * a[POOL.c], a[POOL.oh] * a[POOL.ow] * a[POOL.c]];
      return cut(ranges(a[POOL.batch], 1, a[POOL.batch] * image), (args, i0, i1) => {
        args[POOL.batch] = i1 - i0;
        args[POOL.x] += i0 * image;
        args[POOL.y] += i0 * outImage;
      });
    }
    default:
      return null;
  }
}
