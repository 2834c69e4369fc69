// The words the main thread and the workers share, and the kernels a worker may be asked to run.
// worker-source.ts writes these slot numbers into the worker's program; the kernels it is sent by
// name (KERNELS) when it starts.
//
// A split call is a job: a list of chunks (each a few kernel calls on its own rows), claimed one at
// a time by whichever thread is free (the main thread included), so a worker that wakes late, runs
// slower or is descheduled leaves its chunks to the others instead of holding the run back.

/** Int32 slots of a worker's own control block. */
export const Ctl = {
  /** The main thread bumps it (and notifies) to hand the worker a job; a notify alone only wakes it to spin. */
  Seq: 0,
  /** 1: quit at the next wake-up. */
  Quit: 1,
  /** 0: the chunks it ran went well; 1: one threw, the message is in Msg (the main thread clears it a job). */
  Status: 2,
  MsgLength: 3,
  /** The error message, one UTF-16 code unit a slot (at most MSG_MAX). */
  Msg: 4,
  /** Times the worker went to sleep in Atomics.wait (after its bounded spin): for the benchmarks. */
  Sleeps: 124,
  /** Chunks the worker ran: for the benchmarks. */
  Chunks: 125,
} as const;
export const MSG_MAX = 120;
export const CTL_INTS = 128;

/** The most workers (index.ts's MAX_THREADS - 1): a patch holds one value a worker. */
export const MAX_WORKERS = 63;
export const MAX_PATCHES = 4;
export const PATCH_INTS = 2 + MAX_WORKERS;
/** The most chunks a job: a claim counts them in 16 bits, the offsets table holds this many. */
export const MAX_CHUNKS = 64;

/** Int32 slots of the job block, one for all workers. */
export const Job = {
  /** count * 65536 + next: claimed by compare-exchange, so a claim is always of the job published. */
  Claim: 0,
  /** Chunks finished (run, or skipped after an error); the job is over at count. */
  Finished: 1,
  /** Patches: per-thread arguments, e.g. a fused conv's gather buffers. */
  PatchCount: 2,
  /** Patch i at Patches + i * PATCH_INTS: [kernel, argument index, value of thread 1, thread 2, ...]. */
  Patches: 8,
  /** Chunk i starts at job[Offsets + i]: [calls, then each as kernel, argument count, arguments...] (FLOAT_ARGS as float32 bits). */
  Offsets: 8 + MAX_PATCHES * PATCH_INTS,
} as const;
export const JOB_CHUNKS_AT = Job.Offsets + MAX_CHUNKS;
export const JOB_INTS = 16384;

/** The exports a worker runs (split.ts), by index: the SIMD128 module's, then the relaxed module's. */
export const KERNELS = [
  'gemm_s8s8_dot16', 'pack_lhs_s8_4xk2_s16', 'conv2d_s8s8_nhwc_dot16',
  'gemm_s8s7_rdot', 'gemm_s8s8_rdot2', 'pack_lhs_s8_4xk4_rdot', 'conv2d_s8s8_nhwc_rdot',
  'quantize_f32_s8_fp32', 'add_s8s8_fp32', 'maxpool2d_s8_nhwc',
] as const;
export type KernelName = (typeof KERNELS)[number];

/** Indices into KERNELS. */
export const Kernel = {
  GemmDot16: 0,
  PackLhsDot16: 1,
  ConvDot16: 2,
  GemmRdot: 3,
  GemmRdot2: 4,
  PackLhsRdot: 5,
  ConvRdot: 6,
  Quantize: 7,
  Add: 8,
  MaxPool: 9,
} as const;
export type Kernel = (typeof Kernel)[keyof typeof Kernel];

/** The float32 arguments of a kernel, by position: a job carries them as float32 bits. */
export const FLOAT_ARGS: Partial<Record<Kernel, readonly number[]>> = { [Kernel.Quantize]: [3], [Kernel.Add]: [5, 7] };

export interface KernelCall {
  readonly kernel: Kernel;
  readonly args: readonly number[];
}

/** Argument `arg` of every `kernel` call is `values[t - 1]` on thread t > 0 (the main thread keeps the call's own). */
export interface Patch {
  readonly kernel: Kernel;
  readonly arg: number;
  readonly values: readonly number[];
}
