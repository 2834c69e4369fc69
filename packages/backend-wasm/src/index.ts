// @qatjs/backend-wasm: int8 kernels in WebAssembly SIMD128 with a validating TypeScript API.
// No tfjs at run time: a deployable int8 model needs only this package and its file.
export { createKernels, WasmKernels, type KernelsOptions, type KernelFeatures } from './kernels.ts';
export { WasmTensor, type DType, type TypedArrayFor } from './tensor.ts';
export { BackendWasmError } from './errors.ts';
export type { HeapStats } from './memory/heap.ts';
export { GemmOp, type GemmSpec } from './ops/gemm.ts';
export { Conv2dOp, type Conv2dSpec } from './ops/conv2d.ts';
export { DepthwiseConv2dOp, type DepthwiseConv2dSpec } from './ops/depthwise-conv2d.ts';
export type { MatMulParams } from './ops/matmul.ts';
export type { AddParams } from './ops/eltwise.ts';
export type { BinaryParams } from './ops/binary-s8.ts';
export type { FloatUnaryOp, FloatBinaryOp } from './ops/float.ts';
export type { PoolParams, AvgPoolParams } from './ops/pool.ts';
export type { WindowPadding } from './ops/window.ts';
export { kernelClamp, type TensorQuant, type WeightQuantParams, type CodeClamp } from './numerics/qparams.ts';
export { packLowBit, unpackLowBit, packedLowBitBytes, type LowBits, type WeightData } from './numerics/lowbit.ts';
export { detectRelaxedSimd, relaxedDotKnownAnswers, relaxedSimdByDefault, type RelaxedSimdStatus, type KnownAnswer } from './relaxed/detect.ts';
export type { Simd128Exports } from './load/exports.ts';
export { loadSession, IntSession, type SessionOptions, type RunOptions, type ValueInfo, type SessionInput, type ShapedInput, type SessionOutput } from './runtime/session.ts';
export {
  registerRuntimeOp, getRuntimeOp, listRuntimeOps,
  type RuntimeOpBuilder, type RuntimeOpContext, type RuntimeStep, type RuntimeValue,
} from './runtime/registry.ts';
export type { Storage as RuntimeStorage } from './runtime/storage.ts';
