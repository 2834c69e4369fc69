// @qatjs/tfjs-wasm-training: the training kernels tfjs-backend-wasm lacks or gets wrong, and the
// wasm-heap helpers they share with @qatjs/core. Importing it registers nothing (see README.md).
export {
  installWasmTrainingKernels,
  wasmTrainingKernelsInstalled,
  WASM_TRAINING_KERNELS,
  type WasmTrainingInstallReport,
} from './install.ts';
export { installDilatedConvGradients, dilateFilter } from './dilated-conv-gradients.ts';
export { asWasmBackend, isWasmBackend, heapOffset, wasmHeapMemory, type WasmBackendInternals } from './wasm-backend.ts';
export { WasmTrainingError } from './errors.ts';
