// The words the main thread and a worker share (one Int32Array over a SharedArrayBuffer a worker),
// and the kernels a worker may be asked to run. worker-source.ts spells the slot numbers out in plain
// JavaScript: keep the two in step. The kernels it is sent by name (KERNELS) when it starts.

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

/** The exports a worker runs (split.ts), by index: the SIMD128 module's, then the relaxed module's. */
export const KERNELS = [
  'gemm_s8s8_dot16', 'pack_lhs_s8_4xk2_s16', 'im2col_s8_nhwc', 'conv2d_s8s8_nhwc_dot16',
  'gemm_s8s7_rdot', 'gemm_s8s8_rdot2', 'pack_lhs_s8_4xk4_rdot', 'conv2d_s8s8_nhwc_rdot',
] as const;
export type KernelName = (typeof KERNELS)[number];

/** Indices into KERNELS. */
export const Kernel = {
  GemmDot16: 0,
  PackLhsDot16: 1,
  Im2col: 2,
  ConvDot16: 3,
  GemmRdot: 4,
  GemmRdot2: 5,
  PackLhsRdot: 6,
  ConvRdot: 7,
} as const;
export type Kernel = (typeof Kernel)[keyof typeof Kernel];

export interface KernelCall {
  readonly kernel: Kernel;
  readonly args: readonly number[];
}
