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

export * from './layers/index.ts';
export { lenet, type LenetOptions } from './models/lenet.ts';
export { residualCnn, type ResidualCnnOptions } from './models/residual-cnn.ts';
