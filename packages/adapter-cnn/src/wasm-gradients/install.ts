// Installs the training kernels tfjs-backend-wasm lacks or gets wrong (see README.md), for backend
// 'wasm' only: tfjs-backend-cpu keeps its own kernels. Idempotent across calls and across copies of
// this package (the marks are global symbols), and safe to call before or after the backend starts.
// tfjs-backend-wasm is imported first so that its own registrations can never overwrite ours later.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterAsConv } from './conv2d-backprop-filter-as-conv.ts';
import { depthwiseBackpropFilterLoop } from './depthwise-backprop-filter-loop.ts';
import { installDilatedConvGradients } from './dilated-conv-gradients.ts';
import { conv2dBackpropInputAsConv, depthwiseBackpropInputAsConv } from './input-grad-as-forward-conv.ts';
import { maxPoolGradFirstMaxKernel } from './max-pool-grad-first-max.ts';
import { tileByCopies } from './tile-by-copies.ts';
import { batchMatMulTransposeFirst } from './batch-matmul-transpose-first.ts';
import { QatjsError } from '@qatjs/core';

const OURS = Symbol.for('qatjs.adapter-cnn.wasm-training-kernel');

type Reason = 'missing' | 'wrong' | 'slow';

interface OwnedKernel {
  reason: Reason;
  /** Builds our kernel; `stock` is tfjs-backend-wasm's own (for kernels that hand some cases back to it). */
  make(stock: KernelFunc | undefined): KernelFunc;
}

const always = (f: KernelFunc) => () => f;
function wrapping(name: string, wrap: (stock: KernelFunc) => KernelFunc) {
  return (stock: KernelFunc | undefined) => {
    if (!stock) throw new QatjsError(`installWasmTrainingKernels: tfjs-backend-wasm has no ${name} kernel to wrap`);
    return wrap(stock);
  };
}

/** Our kernels for backend 'wasm', and why: tfjs-backend-wasm 4.22 lacks them, gets them wrong, or is slow. */
const KERNELS: Readonly<Record<string, OwnedKernel>> = {
  Conv2DBackpropFilter: { reason: 'missing', make: always(conv2dBackpropFilterAsConv) },
  DepthwiseConv2dNativeBackpropInput: { reason: 'missing', make: always(depthwiseBackpropInputAsConv) },
  DepthwiseConv2dNativeBackpropFilter: { reason: 'missing', make: always(depthwiseBackpropFilterLoop) },
  MaxPoolGrad: { reason: 'wrong', make: always(maxPoolGradFirstMaxKernel) },
  Conv2DBackpropInput: { reason: 'slow', make: always(conv2dBackpropInputAsConv) },
  BatchMatMul: { reason: 'slow', make: wrapping('BatchMatMul', batchMatMulTransposeFirst) },
  Tile: { reason: 'slow', make: wrapping('Tile', tileByCopies) },
};

/** The kernels this package owns on the wasm backend, with the reason for each. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, Reason>> = Object.fromEntries(
  Object.entries(KERNELS).map(([name, k]) => [name, k.reason]),
);

export interface WasmTrainingInstallReport {
  /** Kernels tfjs-backend-wasm did not have, registered now. */
  added: string[];
  /** Kernels of tfjs-backend-wasm replaced now. */
  replaced: string[];
  /** Gradients (by forward kernel) wrapped now to accept dilation > 1. */
  gradients: string[];
}

function isOurs(kernelFunc: KernelFunc | undefined): boolean {
  return kernelFunc !== undefined && (kernelFunc as unknown as Record<symbol, unknown>)[OURS] === true;
}

/** True when every kernel of WASM_TRAINING_KERNELS currently registered for 'wasm' is ours. */
export function wasmTrainingKernelsInstalled(): boolean {
  return Object.keys(KERNELS).every((name) => isOurs(tf.getKernel(name, 'wasm')?.kernelFunc));
}

/**
 * Registers our gradient kernels for the wasm backend and lets conv gradients take dilation > 1.
 * Runs on import of @qatjs/adapter-cnn; call it again after anything re-registers tfjs-backend-wasm's
 * kernels or tfjs's gradients (e.g. importing a second copy of them). Reports what it changed.
 */
export function installWasmTrainingKernels(): WasmTrainingInstallReport {
  const report: WasmTrainingInstallReport = { added: [], replaced: [], gradients: [] };
  for (const [kernelName, owned] of Object.entries(KERNELS)) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (isOurs(current?.kernelFunc)) continue;
    const kernelFunc = owned.make(current?.kernelFunc);
    const tagged: KernelFunc = (args) => kernelFunc(args);
    (tagged as unknown as Record<symbol, unknown>)[OURS] = true;
    if (current) {
      tf.unregisterKernel(kernelName, 'wasm');
      report.replaced.push(kernelName);
    } else {
      report.added.push(kernelName);
    }
    // The stock setupFunc stays: it binds the backend's C functions that wrapped kernels still call.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: tagged, setupFunc: current?.setupFunc });
  }
  report.gradients = installDilatedConvGradients();
  return report;
}
