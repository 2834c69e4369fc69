// Sessions on more than one thread: loadSession(bytes, { threads }). The kernels run over a shared
// WebAssembly memory, and `threads - 1` workers instantiate the same (shared-memory) kernels on it,
// relaxed SIMD included where the session uses it; the GEMMs of conv2d, dense, matmul and the
// recurrent ops, and the fused conv kernel, are split between them (split.ts).
import { BackendWasmError, valueText } from '../errors.ts';
import { KERNELS_RELAXED_SHARED_BASE64 } from '../generated/kernels-relaxed-shared.ts';
import { KERNELS_SIMD128_SHARED_BASE64 } from '../generated/kernels-simd128-shared.ts';
import { createKernels, type KernelsOptions, type WasmKernels } from '../kernels.ts';
import { MAX_WORKERS, type KernelName } from './protocol.ts';
import { sharedMemoryAvailable, WorkerPool, type PoolStats } from './pool.ts';
import { GemmSplitter, MIN_SPLIT_MACS } from './split.ts';

export type { PoolStats };

/** The most threads a session takes. */
export const MAX_THREADS = MAX_WORKERS + 1;

/** Checks the `threads` option: an integer from 1 (the default: no workers) to MAX_THREADS. */
export function checkThreads(v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_THREADS) {
    throw new BackendWasmError(`loadSession: threads must be an integer from 1 (no workers) to ${MAX_THREADS}, got ${valueText(v)}`);
  }
  return v;
}

/** Checks the `threadMinMacs` option: a non-negative integer, default MIN_SPLIT_MACS. */
export function checkMinMacs(v: unknown): number {
  if (v === undefined) return MIN_SPLIT_MACS;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new BackendWasmError(`loadSession: threadMinMacs must be a non-negative integer, got ${valueText(v)}`);
  }
  return v;
}

export interface Threads {
  /** Threads in use, the main thread included. */
  readonly count: number;
  /** Calls split over the threads so far, by the kernel split (a GEMM's or the fused conv's export name). */
  readonly splits: Readonly<Partial<Record<KernelName, number>>>;
  /** Hand-offs, chunks and waits so far (the benchmarks report them); null on one thread. */
  readonly stats: PoolStats | null;
  /** Runs the next `jobs` split calls on the main thread alone, as after a stalled one (for the tests). */
  runAlone(jobs: number): void;
  /** Runs what the splitter holds back; call after a run's last kernel call. */
  flush(): void;
  terminate(): void;
}

const ONE_THREAD: Threads = { count: 1, splits: {}, stats: null, runAlone() {}, flush() {}, terminate() {} };

/**
 * Kernels for a session of `threads` threads. With 1, or where this runtime has no
 * SharedArrayBuffer (a browser page that is not cross-origin isolated), the ordinary one-thread kernels.
 */
export async function createSessionKernels(options: KernelsOptions, threads: number, minMacs: number): Promise<{ kernels: WasmKernels; threads: Threads }> {
  if (threads === 1 || !sharedMemoryAvailable()) return { kernels: await createKernels(options), threads: ONE_THREAD };
  let pool: WorkerPool | null = null;
  let splitter: GemmSplitter | null = null;
  // The splitter's per-worker buffers are scratch blocks of these kernels (set before any op can run).
  let kernels: WasmKernels | null = null;
  kernels = await createKernels(options, {
    simd128Base64: KERNELS_SIMD128_SHARED_BASE64,
    relaxedBase64: KERNELS_RELAXED_SHARED_BASE64,
    async attach(memory, simd, relaxed) {
      pool = await WorkerPool.start(threads - 1, memory, KERNELS_SIMD128_SHARED_BASE64, relaxed ? KERNELS_RELAXED_SHARED_BASE64 : null);
      splitter = new GemmSplitter(pool, simd, relaxed, minMacs, (slot, bytes) => (kernels as WasmKernels).scratch(slot, bytes));
      return splitter.wrap(simd, relaxed);
    },
  });
  const [p, s] = [pool as unknown as WorkerPool, splitter as unknown as GemmSplitter];
  return {
    kernels,
    threads: {
      count: threads,
      splits: s.splits,
      get stats() {
        return p.stats;
      },
      runAlone: (jobs) => p.runAlone(jobs),
      flush: () => s.endRun(),
      terminate: () => p.terminate(),
    },
  };
}
