// Splits a session's GEMMs and convolutions over the main thread and the workers by output rows
// (or, for a GEMM of fewer than 8 rows, by 8-column panels). Every output element is computed by the
// same kernel from the same operands whichever thread computes it, so the results equal one thread's
// bit for bit.
//
// It works below the ops, on the raw kernel calls they make: the exports the ops call are wrapped.
//   - The fused conv kernels (conv2d_s8s8_nhwc_dot16, conv2d_s8s8_nhwc_rdot) compute a range of output
//     pixels: each chunk is a range, gathered and packed in the buffers of the thread that claims it
//     (a worker's come from the scratch).
//   - A GEMM (dot16, rdot, rdot2) arrives after the LHS packing that feeds it: the packing is held
//     back until then, and each thread runs both on its own rows (blocks of 4 rows for the packing),
//     so a dense layer costs one hand-off, not two.
//   - quantize, add and max pool (memory-bound, between the above at a large batch) by element
//     ranges or whole images (split-eltwise.ts).
// A split call becomes chunks (chunks.ts) that the threads claim until none are left (pool.ts).
// Any other kernel call first runs what is held back, on the main thread, in order: an op this file
// does not know about stays correct, just unsplit.
// A kernel split here runs on several threads at once over one memory: it must keep no state at a
// fixed address (common/layout's staging areas are for kernels that stay on the main thread, or for
// a split kernel's tail that only one chunk has).
import { Scratch } from '../context.ts';
import type { RelaxedExports, Simd128Exports } from '../load/exports.ts';
import { packedLhsBytes, packedRhsBytes, type GemmPath } from '../ops/gemm-core.ts';
import { chunkBoundaries } from './chunks.ts';
import { eltwiseChunks } from './split-eltwise.ts';
import { Kernel, KERNELS, type KernelCall, type KernelName, type Patch } from './protocol.ts';
import type { WorkerPool } from './pool.ts';

/** Default of SessionOptions.threadMinMacs: a GEMM of fewer multiply-adds runs on the main thread alone (a hand-off costs more). */
export const MIN_SPLIT_MACS = 1 << 18;

type Fn = (...args: number[]) => unknown;

// Argument positions of the calls split here (load/exports.ts).
const GEMM = { m: 0, n: 1, k: 2, a: 3, w: 4, c: 5, ldc: 6, acc32: 7 } as const;
// pack_lhs (m, k, a, lda, [zp or corrScale,] dst): dst is the last argument.
const PACK = { m: 0, k: 1, a: 2, lda: 3 } as const;
// The fused convs share their arguments; the relaxed one adds `two` (1: rdot2's packing, else rdot's).
const CONV = { p0: 0, p1: 1, cg: 6, kh: 7, kw: 8, n: 21, mc: 30, rows: 31, packed: 32, two: 33 } as const;

const GEMM_PATH: Partial<Record<Kernel, GemmPath>> = { [Kernel.GemmDot16]: 'dot16', [Kernel.GemmRdot]: 'rdot', [Kernel.GemmRdot2]: 'rdot2' };

export class GemmSplitter {
  readonly #pool: WorkerPool;
  readonly #minMacs: number;
  /** The real exports, by KERNELS index. */
  readonly #kernels: Fn[];
  /** A scratch block of the session's kernels (slot, bytes) -> address. */
  readonly #scratch: (slot: number, bytes: number) => number;
  /** A call held back: the LHS packing that the next GEMM may read. */
  #held: KernelCall | undefined;
  /** Calls split so far, by the kernel split (a GEMM or the fused conv). */
  readonly splits: Partial<Record<KernelName, number>> = {};

  constructor(pool: WorkerPool, simd: Simd128Exports, relaxed: RelaxedExports | null, minMacs: number, scratch: (slot: number, bytes: number) => number) {
    this.#pool = pool;
    this.#minMacs = minMacs;
    this.#scratch = scratch;
    const exports = { ...relaxed, ...simd } as unknown as Record<string, Fn>;
    this.#kernels = KERNELS.map((name) => exports[name]);
  }

  /** The exports the ops call: the real ones, with the GEMMs, what feeds them and the fused conv split over the threads. */
  wrap(simd: Simd128Exports, relaxed: RelaxedExports | null): { simd: Simd128Exports; relaxed: RelaxedExports | null } {
    const wrapped = (exports: object): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(exports)) {
        const kernel = KERNELS.indexOf(name as KernelName) as Kernel | -1;
        out[name] = typeof v !== 'function' ? v
          : kernel === -1 ? (...args: number[]) => (this.#begin(), this.flush(), (v as Fn)(...args))
          : (...args: number[]) => (this.#begin(), this.#split({ kernel, args }));
      }
      return out;
    };
    return { simd: wrapped(simd) as unknown as Simd128Exports, relaxed: relaxed && (wrapped(relaxed) as unknown as RelaxedExports) };
  }

  /** Ends a run: runs what is held back; the next kernel call starts the next run. */
  endRun(): void {
    this.flush();
    this.#running = false;
    this.#wakeNext = this.#handoffs > 0;
    this.#handoffs = 0;
  }

  #running = false;
  /** The last run handed jobs to the workers, so the next one likely will. */
  #wakeNext = false;
  #handoffs = 0;

  /** At a run's first kernel call: wake the workers now, so they spin by the time its first split call comes. */
  #begin(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#wakeNext) this.#pool.wake();
  }

  /** Runs the calls held back, on the main thread. */
  flush(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held) this.#call(held);
  }

  #call(c: KernelCall): void {
    this.#kernels[c.kernel](...c.args);
  }

  #split(c: KernelCall): void {
    switch (c.kernel) {
      case Kernel.PackLhsDot16:
      case Kernel.PackLhsRdot:
        return this.#hold(c);
      case Kernel.ConvDot16:
      case Kernel.ConvRdot:
        return this.#conv(c);
      case Kernel.Quantize:
      case Kernel.Add:
      case Kernel.MaxPool:
        return this.#eltwise(c);
      default:
        return this.#gemm(c);
    }
  }

  /** A packing waits for the GEMM that reads it (one held at a time). */
  #hold(c: KernelCall): void {
    this.flush();
    this.#held = c;
  }

  /** Memory-bound calls (split-eltwise.ts): a byte read counts as 4 multiply-adds against minMacs. */
  #eltwise(c: KernelCall): void {
    this.flush();
    const chunks = eltwiseChunks(c, this.#pool.size + 1, this.#minMacs / 4);
    if (chunks) this.#run(chunks);
    else this.#call(c);
  }

  /** The fused conv: output pixels in chunks of whole 4-row blocks. */
  #conv(conv: KernelCall): void {
    this.flush();
    const a = conv.args;
    const [p0, m, k] = [a[CONV.p0], a[CONV.p1] - a[CONV.p0], a[CONV.kh] * a[CONV.kw] * a[CONV.cg]];
    const parts = Math.min(this.#pool.size + 1, Math.floor(m / 4));
    if (m * a[CONV.n] * k < this.#minMacs || parts < 2) {
      this.#call(conv);
      return;
    }
    // A worker's packed panels (as the op sizes the main thread's: mc rows) and 4 gathered rows
    // (the relaxed kernel's vector loads may read 16 bytes past them).
    const path: GemmPath = conv.kernel === Kernel.ConvRdot ? (a[CONV.two] !== 0 ? 'rdot2' : 'rdot') : 'dot16';
    const packedBytes = Math.ceil(packedLhsBytes(a[CONV.mc], k, path) / 64) * 64;
    const rows = chunkBoundaries(m, 4, this.#pool.size + 1);
    const calls: KernelCall[][] = [];
    for (let i = 0; i + 1 < rows.length; i++) {
      const args = [...a];
      args[CONV.p0] = p0 + rows[i];
      args[CONV.p1] = p0 + rows[i + 1];
      calls.push([{ kernel: conv.kernel, args }]);
    }
    const packed: number[] = [];
    for (let t = 1; t <= this.#pool.size; t++) {
      const buffer = this.#scratch(Scratch.Workers + t - 1, packedBytes + 4 * k + 16);
      packed.push(buffer);
    }
    this.#run(calls, [
      { kernel: conv.kernel, arg: CONV.packed, values: packed },
      { kernel: conv.kernel, arg: CONV.rows, values: packed.map((b) => b + packedBytes) },
    ]);
  }

  #gemm(gemm: KernelCall): void {
    const held = this.#held;
    this.#held = undefined;
    const g = gemm.args;
    const [m, n, k] = [g[GEMM.m], g[GEMM.n], g[GEMM.k]];
    const path = GEMM_PATH[gemm.kernel] as GemmPath;
    const reads = held !== undefined && held.kernel === (path === 'dot16' ? Kernel.PackLhsDot16 : Kernel.PackLhsRdot) && held.args[held.args.length - 1] === g[GEMM.a] && held.args[PACK.m] === m;
    const pack = reads ? held : undefined;
    if (held && !reads) this.#call(held);
    const threads = this.#pool.size + 1;
    if (m * n * k < this.#minMacs) {
      if (pack) this.#call(pack);
      this.#call(gemm);
      return;
    }
    if (m >= 8) {
      this.#run(this.#rowParts(gemm, path, pack, chunkBoundaries(m, 4, threads)));
      return;
    }
    if (pack) this.#call(pack);
    if (n >= 16) {
      const cols = chunkBoundaries(n, 8, threads);
      const panelBytes = packedRhsBytes(k, 8, path);
      const elemBytes = g[GEMM.acc32] !== 0 ? 4 : 1;
      const parts: KernelCall[][] = [];
      for (let t = 0; t + 1 < cols.length; t++) {
        const [j0, j1] = [cols[t], cols[t + 1]];
        const args = [...g];
        args[GEMM.n] = j1 - j0;
        args[GEMM.w] = g[GEMM.w] + (j0 / 8) * panelBytes;
        args[GEMM.c] = g[GEMM.c] + j0 * elemBytes;
        parts.push([{ kernel: gemm.kernel, args }]);
      }
      this.#run(parts);
      return;
    }
    this.#call(gemm);
  }

  /** Each chunk's calls for rows [r0, r1) of the output: its blocks' packing, its rows' GEMM. */
  #rowParts(gemm: KernelCall, path: GemmPath, pack: KernelCall | undefined, rows: number[]): KernelCall[][] {
    const g = gemm.args;
    const blockBytes = packedLhsBytes(4, g[GEMM.k], path);
    const parts: KernelCall[][] = [];
    for (let t = 0; t + 1 < rows.length; t++) {
      const [r0, r1] = [rows[t], rows[t + 1]];
      const calls: KernelCall[] = [];
      if (pack) {
        const p = pack.args;
        const args = [...p];
        args[PACK.m] = r1 - r0;
        args[PACK.a] = p[PACK.a] + r0 * p[PACK.lda];
        args[args.length - 1] = p[p.length - 1] + (r0 / 4) * blockBytes;
        calls.push({ kernel: pack.kernel, args });
      }
      const args = [...g];
      args[GEMM.m] = r1 - r0;
      args[GEMM.a] = g[GEMM.a] + (r0 / 4) * blockBytes;
      args[GEMM.c] = g[GEMM.c] + r0 * g[GEMM.ldc];
      calls.push({ kernel: gemm.kernel, args });
      parts.push(calls);
    }
    return parts;
  }

  /** The chunks over all threads, claimed as each thread is free; back when all are done. */
  #run(chunks: KernelCall[][], patches: Patch[] = []): void {
    const split = KERNELS[chunks[0][chunks[0].length - 1].kernel];
    this.splits[split] = (this.splits[split] ?? 0) + 1;
    this.#handoffs++;
    this.#pool.run(chunks, patches, (c) => this.#call(c));
  }
}
