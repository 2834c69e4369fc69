// Installs the training kernels tfjs-backend-wasm lacks or gets wrong (see README.md), for backend
// 'wasm' only: tfjs-backend-cpu keeps its own kernels. Idempotent across calls and across copies of
// this package (the marks are global symbols), and safe to call before or after the backend starts.
// Importing this package installs nothing: @qatjs/core's initBackend('wasm') calls it, after importing
// tfjs-backend-wasm (whose own registrations would otherwise overwrite ours later).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterAsConv } from './conv2d-backprop-filter-as-conv.ts';
import { depthwiseBackpropFilterLoop } from './depthwise-backprop-filter-loop.ts';
import { conv2dBackpropInputAsConv, depthwiseBackpropInputAsConv } from './input-grad-as-forward-conv.ts';
import { maxPoolGradFirstMaxKernel } from './max-pool-grad-first-max.ts';
import { tileByCopies } from './tile-by-copies.ts';
import { batchMatMulTransposeFirst } from './batch-matmul-transpose-first.ts';
import { unsortedSegmentSumRows } from './unsorted-segment-sum-rows.ts';
import { WasmTrainingError } from './errors.ts';

const OURS = Symbol.for('qatjs.tfjs-wasm-training.kernel');

type Reason = 'missing' | 'wrong' | 'slow';

interface OwnedKernel {
  reason: Reason;
  /** Builds our kernel; `stock` is tfjs-backend-wasm's own (for kernels that hand some cases back to it). */
  make(stock: KernelFunc | undefined): KernelFunc;
}

const always = (f: KernelFunc) => () => f;
function wrapping(name: string, wrap: (stock: KernelFunc) => KernelFunc) {
  return (stock: KernelFunc | undefined) => {
    if (!stock) throw new WasmTrainingError(`installWasmTrainingKernels: tfjs-backend-wasm has no ${name} kernel to wrap`);
    return wrap(stock);
  };
}

/** Our kernels for backend 'wasm', and why: tfjs-backend-wasm 4.22 lacks them, gets them wrong, or is slow. */
const KERNELS: Readonly<Record<string, OwnedKernel>> = {
  Conv2DBackpropFilter: { reason: 'missing', make: always(conv2dBackpropFilterAsConv) },
  DepthwiseConv2dNativeBackpropInput: { reason: 'missing', make: always(depthwiseBackpropInputAsConv) },
  DepthwiseConv2dNativeBackpropFilter: { reason: 'missing', make: always(depthwiseBackpropFilterLoop) },
  MaxPoolGrad: { reason: 'wrong', make: always(maxPoolGradFirstMaxKernel) },
  UnsortedSegmentSum: { reason: 'missing', make: always(unsortedSegmentSumRows) },
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
}

function isOurs(kernelFunc: KernelFunc | undefined): boolean {
  return kernelFunc !== undefined && (kernelFunc as unknown as Record<symbol, unknown>)[OURS] === true;
}

/** True when every kernel of WASM_TRAINING_KERNELS currently registered for 'wasm' is ours. */
export function wasmTrainingKernelsInstalled(): boolean {
  return Object.keys(KERNELS).every((name) => isOurs(tf.getKernel(name, 'wasm')?.kernelFunc));
}

/**
 * Registers our gradient kernels for the wasm backend. Needs tfjs-backend-wasm imported first
 * (@qatjs/core's initBackend('wasm') imports it and calls this). Call it again after anything
 * re-registers tfjs-backend-wasm's kernels (e.g. importing a second copy of it). Reports what it changed.
 */
export function installWasmTrainingKernels(): WasmTrainingInstallReport {
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new WasmTrainingError("installWasmTrainingKernels: tfjs-backend-wasm's kernels are not registered: import '@tensorflow/tfjs-backend-wasm' first (or call @qatjs/core's initBackend('wasm'))");
  }
  const report: WasmTrainingInstallReport = { added: [], replaced: [] };
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
  return report;
}
