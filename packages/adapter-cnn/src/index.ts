// @qatjs/adapter-cnn. Importing it installs the wasm training kernels (see README.md).
import '@qatjs/core';
import { installWasmTrainingKernels } from './wasm-gradients/install.ts';

installWasmTrainingKernels();

export {
  installWasmTrainingKernels,
  wasmTrainingKernelsInstalled,
  WASM_TRAINING_KERNELS,
  type WasmTrainingInstallReport,
} from './wasm-gradients/install.ts';
export { dilateFilter } from './wasm-gradients/dilated-conv-gradients.ts';
