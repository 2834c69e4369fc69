// fakeQuantize as a tfjs kernel (forward) plus a gradient kernel, registered for the cpu and wasm
// backends, and the gradient that ties them together. One pass over the data each, instead of the
// ten elementwise ops the composed version needs. Gradients are lazy: the engine asks only for the
// inputs on a path to what is differentiated, so a fixed scale costs no reduction.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_MEMORY_BACKENDS, hostMemory, type HostMemory, type HostMemoryBackendName } from '../backend/backend-memory.ts';
import { asWasmBackend, wasmHeapMemory } from '@qatjs/tfjs-wasm-training';
import { heapOffset, simdKernelsFor, simdPerChannelKernelsFor, type SimdFakeQuantize, type SimdFakeQuantizePerChannel } from '../backend/wasm-simd.ts';
import { NonFiniteError } from '../util/errors.ts';
import { splitAroundAxis } from '../util/shape.ts';
import {
  fakeQuantizeForward,
  fakeQuantizeGradScale,
  fakeQuantizeGradX,
  fakeQuantizeGradZeroPoint,
  integerZeroPoints,
  type ChannelLayout,
  type GridParams,
} from './fake-quantize-math.ts';

export const FAKE_QUANTIZE = 'QatjsFakeQuantize';
export const FAKE_QUANTIZE_GRAD = 'QatjsFakeQuantizeGrad';

/** Kernel attributes; axis -1 means per-tensor. */
export interface FakeQuantizeAttrs {
  qmin: number;
  qmax: number;
  axis: number;
}
type GradWrt = 'x' | 'scale' | 'zeroPoint';

function layoutOf(shape: number[], axis: number): ChannelLayout {
  if (axis < 0) {
    let n = 1;
    for (const d of shape) n *= d;
    return { outer: 1, channels: 1, inner: n };
  }
  const [outer, channels, inner] = splitAroundAxis(shape, axis);
  return { outer, channels, inner };
}

function gridOf(scale: Float32Array, zeroPoint: Float32Array, attrs: FakeQuantizeAttrs): GridParams {
  return {
    scale: Float32Array.from(scale),
    zeroPoint: integerZeroPoints(zeroPoint, attrs.qmin, attrs.qmax),
    qmin: attrs.qmin,
    qmax: attrs.qmax,
  };
}

function nonFiniteError(x: Float32Array, bad: number): NonFiniteError {
  const v = x[bad];
  return new NonFiniteError(`fakeQuantize: input contains ${Number.isNaN(v) ? 'NaN' : v} at flat index ${bad}`);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The SIMD kernels when the wasm backend can run them and the op is per-tensor. */
function simdFor(name: HostMemoryBackendName, backend: unknown, axis: number): SimdFakeQuantize | undefined {
  return name === 'wasm' && axis < 0 ? simdKernelsFor(backend as KernelBackend) : undefined;
}

/** The per-channel SIMD kernels when the wasm backend can run them and the op is per-channel. */
function simdPerChannelFor(name: HostMemoryBackendName, backend: unknown, axis: number): SimdFakeQuantizePerChannel | undefined {
  return name === 'wasm' && axis >= 0 ? simdPerChannelKernelsFor(backend as KernelBackend) : undefined;
}

/** Parameter tables longer than this (channels x inner, inner > 1) run in TypeScript instead. */
const MAX_TABLE_PERIOD = 1 << 16;

/** Heap offsets of the per-channel kernels' tables (see the .wat): s, lo, hi over a period, and float64 sums. */
interface Tables {
  readonly sP: number;
  readonly loP: number;
  readonly hiP: number;
  readonly acc: number;
}

/**
 * Writes s, lo = qmin - zp, hi = qmax - zp for elements 0..period+2 (channel floor(j / inner) mod C)
 * into a scratch buffer on the wasm heap, with `sums` zeroed float64 after them, runs `body`, and
 * frees the scratch. Returns body's result and a copy of the sums.
 */
function withTables<T>(backend: KernelBackend, grid: GridParams, inner: number, period: number, sums: number, body: (t: Tables) => T): [T, Float64Array] {
  const wasm = asWasmBackend(backend, 'qatjs kernel');
  const tableLength = period + 3;
  const scratch = wasm.makeOutput([3 * tableLength + 2 * sums + 2], 'float32');
  try {
    const base = heapOffset(backend, scratch);
    const f = wasm.typedArrayFromHeap(scratch) as Float32Array;
    const channels = grid.scale.length;
    for (let j = 0; j < tableLength; j++) {
      const c = Math.floor((j % period) / inner) % channels;
      f[j] = grid.scale[c];
      f[tableLength + j] = grid.qmin - grid.zeroPoint[c];
      f[2 * tableLength + j] = grid.qmax - grid.zeroPoint[c];
    }
    const acc = Math.ceil((base + 12 * tableLength) / 8) * 8;
    f.fill(0, (acc - base) / 4, (acc - base) / 4 + 2 * sums);
    const result = body({ sP: base, loP: base + 4 * tableLength, hiP: base + 8 * tableLength, acc });
    const memory = wasmHeapMemory(backend) as WebAssembly.Memory;
    return [result, new Float64Array(memory.buffer, acc, sums).slice()];
  } finally {
    wasm.disposeData(scratch.dataId, true);
  }
}

/** The per-tensor grid as the SIMD kernels take it: s, lo = qmin - zp, hi = qmax - zp. */
function perTensorGrid(mem: HostMemory, inputs: NamedTensorInfoMap, a: FakeQuantizeAttrs): [number, number, number] {
  const g = gridOf(mem.read(inputs.scale as TensorInfo), mem.read(inputs.zeroPoint as TensorInfo), a);
  return [g.scale[0], a.qmin - g.zeroPoint[0], a.qmax - g.zeroPoint[0]];
}

function forwardKernel(name: HostMemoryBackendName) {
  return ({ inputs, attrs, backend }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo => {
    const a = attrs as unknown as FakeQuantizeAttrs;
    const mem = hostMemory(name, backend as KernelBackend);
    const x = inputs.x as TensorInfo;
    const simd = simdFor(name, backend, a.axis);
    if (simd) {
      const [s, lo, hi] = perTensorGrid(mem, inputs, a);
      return mem.output([...x.shape], (_out, info) => {
        const kb = backend as KernelBackend;
        if (simd.forward(heapOffset(kb, x), heapOffset(kb, info), sizeOf(x.shape), s, lo, hi)) return undefined;
        const xs = mem.read(x);
        return nonFiniteError(xs, xs.findIndex((v) => !Number.isFinite(v)));
      });
    }
    const layout = layoutOf(x.shape, a.axis);
    const perChannel = simdPerChannelFor(name, backend, a.axis);
    if (perChannel && sizeOf(x.shape) > 0 && (layout.inner === 1 || layout.channels * layout.inner <= MAX_TABLE_PERIOD)) {
      const grid = gridOf(mem.read(inputs.scale as TensorInfo), mem.read(inputs.zeroPoint as TensorInfo), a);
      return mem.output([...x.shape], (_out, info) => {
        const kb = backend as KernelBackend;
        const [finite] = withTables(kb, grid, layout.inner, layout.channels * layout.inner, 0, (t) =>
          perChannel.forwardLanes(heapOffset(kb, x), heapOffset(kb, info), sizeOf(x.shape), t.sP, t.loP, t.hiP, layout.channels * layout.inner),
        );
        if (finite) return undefined;
        const xs = mem.read(x);
        return nonFiniteError(xs, xs.findIndex((v) => !Number.isFinite(v)));
      });
    }
    return mem.output([...x.shape], (out) => {
      const grid = gridOf(mem.read(inputs.scale as TensorInfo), mem.read(inputs.zeroPoint as TensorInfo), a);
      const bad = fakeQuantizeForward(mem.read(x), out, layout, grid);
      return bad < 0 ? undefined : nonFiniteError(mem.read(x), bad);
    });
  };
}

function gradKernel(name: HostMemoryBackendName) {
  return ({ inputs, attrs, backend }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo => {
    const a = attrs as unknown as FakeQuantizeAttrs & { wrt: GradWrt };
    const mem = hostMemory(name, backend as KernelBackend);
    const x = inputs.x as TensorInfo;
    const scaleInfo = inputs.scale as TensorInfo;
    const layout = layoutOf(x.shape, a.axis);
    const shape = a.wrt === 'x' ? [...x.shape] : [...scaleInfo.shape];
    const simd = simdFor(name, backend, a.axis);
    if (simd) {
      const [s, lo, hi] = perTensorGrid(mem, inputs, a);
      const kb = backend as KernelBackend;
      const [dy, xo, n] = [heapOffset(kb, inputs.dy as TensorInfo), heapOffset(kb, x), sizeOf(x.shape)];
      if (a.wrt === 'x') return mem.output(shape, (_out, info) => void simd.gradX(dy, xo, heapOffset(kb, info), n, s, lo, hi));
      const sum = a.wrt === 'scale' ? simd.gradScale(dy, xo, n, s, lo, hi) : -s * simd.gradZeroPoint(dy, xo, n, s, lo, hi);
      return mem.output(shape, (out) => void out.fill(sum));
    }
    const perChannel = simdPerChannelFor(name, backend, a.axis);
    const period = layout.channels * layout.inner;
    if (perChannel && sizeOf(x.shape) > 0 && (a.wrt !== 'x' || layout.inner === 1 || period <= MAX_TABLE_PERIOD)) {
      const grid = gridOf(mem.read(scaleInfo), mem.read(inputs.zeroPoint as TensorInfo), a);
      const kb = backend as KernelBackend;
      const [dy, xo, n] = [heapOffset(kb, inputs.dy as TensorInfo), heapOffset(kb, x), sizeOf(x.shape)];
      if (a.wrt === 'x') {
        return mem.output(shape, (_out, info) => {
          withTables(kb, grid, layout.inner, period, 0, (t) => perChannel.gradXLanes(dy, xo, heapOffset(kb, info), n, t.sP, t.loP, t.hiP, period));
          return undefined;
        });
      }
      const wrt = a.wrt === 'scale' ? 0 : 1;
      const { outer, channels, inner } = layout;
      const [, sums] =
        inner === 1
          ? withTables(kb, grid, 1, channels, channels, (t) => perChannel.gradParamLanes(dy, xo, n, t.sP, t.loP, t.hiP, channels, t.acc, wrt))
          : withTables(kb, grid, 1, channels, channels, (t) => perChannel.gradParamRuns(dy, xo, outer, channels, inner, t.sP, t.loP, t.hiP, t.acc, wrt));
      return mem.output(shape, (out) => void out.set(sums));
    }
    return mem.output(shape, (out) => {
      const grid = gridOf(mem.read(scaleInfo), mem.read(inputs.zeroPoint as TensorInfo), a);
      const dy = mem.read(inputs.dy as TensorInfo);
      const xv = mem.read(x);
      if (a.wrt === 'x') fakeQuantizeGradX(dy, xv, out, layout, grid);
      else out.set(a.wrt === 'scale' ? fakeQuantizeGradScale(dy, xv, layout, grid) : fakeQuantizeGradZeroPoint(dy, xv, layout, grid));
      return undefined;
    });
  };
}

function runGrad(wrt: GradWrt, dy: tf.Tensor, saved: tf.Tensor[], attrs: NamedAttrMap): tf.Tensor {
  const [x, scale, zeroPoint] = saved;
  return tf.engine().runKernel(FAKE_QUANTIZE_GRAD, { dy, x, scale, zeroPoint }, { ...attrs, wrt }) as tf.Tensor;
}

/** Registers the kernels and the gradient once per process, even if several copies of core load. */
export function registerFakeQuantizeKernels(): void {
  for (const backendName of HOST_MEMORY_BACKENDS) {
    if (!tf.getKernel(FAKE_QUANTIZE, backendName)) {
      tf.registerKernel({ kernelName: FAKE_QUANTIZE, backendName, kernelFunc: forwardKernel(backendName) as tf.KernelFunc });
    }
    if (!tf.getKernel(FAKE_QUANTIZE_GRAD, backendName)) {
      tf.registerKernel({ kernelName: FAKE_QUANTIZE_GRAD, backendName, kernelFunc: gradKernel(backendName) as tf.KernelFunc });
    }
  }
  if (!tf.getGradient(FAKE_QUANTIZE)) {
    tf.registerGradient({
      kernelName: FAKE_QUANTIZE,
      inputsToSave: ['x', 'scale', 'zeroPoint'],
      gradFunc: (dy, saved, attrs) => ({
        x: () => runGrad('x', dy as tf.Tensor, saved, attrs),
        scale: () => runGrad('scale', dy as tf.Tensor, saved, attrs),
        zeroPoint: () => runGrad('zeroPoint', dy as tf.Tensor, saved, attrs),
      }),
    });
  }
}

export function hasFakeQuantizeKernel(backendName: string): boolean {
  return tf.getKernel(FAKE_QUANTIZE, backendName) !== undefined;
}
