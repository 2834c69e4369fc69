// The words the main thread and a worker share (one Int32Array over a SharedArrayBuffer a worker),
// and the kernels a worker may be asked to run. worker-source.ts spells the same numbers out in
// plain JavaScript: keep the two in step.

/** Int32 slots of a worker's control block. */
export const Ctl = {
  /** Command number: the main thread bumps it (and notifies) to hand the worker a command. */
  Seq: 0,
  /** The worker stores the command number here (and notifies) when it has run it. */
  Done: 1,
  /** 0: the command ran; 1: it threw, the message is in Msg. */
  Status: 2,
  MsgLength: 3,
  /** The error message, one UTF-16 code unit a slot (at most MsgMax). */
  Msg: 4,
  /** The command: the number of calls (-1: quit), then each call as [kernel, argument count, arguments...]. */
  Cmd: 128,
} as const;
export const MSG_MAX = 120;
export const CTL_INTS = 256;

/** The kernels a worker runs, by index: the ones a GEMM's rows split over (see split.ts). */
export const Kernel = {
  GemmDot16: 0,
  PackLhsDot16: 1,
  Im2col: 2,
  GemmRdot: 3,
  PackLhsRdot: 4,
  GemmRdot2: 5,
} as const;
export type Kernel = (typeof Kernel)[keyof typeof Kernel];

export interface KernelCall {
  readonly kernel: Kernel;
  readonly args: readonly number[];
}
