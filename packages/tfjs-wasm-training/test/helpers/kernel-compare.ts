// Run one tfjs kernel (or a function of tensors) on the cpu and the wasm backend with the same
// data, and compare. tfjs-backend-cpu is the reference for every kernel we own on wasm; ours are
// installed here (test-utils imports tfjs-backend-wasm first). useBackend sets IS_TEST, so the engine
// also checks that a kernel leaves no backend data behind.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { closeMismatch, randomUniform, rng, size, useBackend, type TestBackend } from '@qatjs/test-utils';
import { installWasmTrainingKernels } from '@qatjs/tfjs-wasm-training';

export { size };

installWasmTrainingKernels();

export interface Data {
  values: Float32Array;
  shape: number[];
}

export function data(shape: number[], seed: number): Data {
  return { values: randomUniform(size(shape), seed, -1, 1), shape };
}

/** The kernel's output on one backend, read back as a Float32Array. */
export async function kernelOn(backend: TestBackend, kernelName: string, inputs: Record<string, Data>, attrs: Record<string, unknown>): Promise<Float32Array> {
  await useBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, d]) => [k, tf.tensor(d.values, d.shape)]));
  try {
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return Float32Array.from(values);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Fails the test unless |actual - expected| <= rel * (1 + max |expected|) element-wise. */
export function expectClose(actual: Float32Array, expected: Float32Array, rel: number, what: string): void {
  expect(closeMismatch(actual, expected, rel, what)).toBe('');
}

/** Compares a kernel on wasm with the same kernel on cpu. */
export async function expectKernelMatchesCpu(kernelName: string, inputs: Record<string, Data>, attrs: Record<string, unknown>, what: string, rel = 2e-5): Promise<void> {
  const cpu = await kernelOn('cpu', kernelName, inputs, attrs);
  const wasm = await kernelOn('wasm', kernelName, inputs, attrs);
  expectClose(wasm, cpu, rel, `${kernelName} ${what}`);
}

export type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** One conv (or depthwise) configuration. */
export interface ConvCase {
  x: number[];
  filter: number[];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

export function describeCase(c: ConvCase): string {
  return `x[${c.x}] f[${c.filter}] s${c.strides} d${c.dilations} pad ${JSON.stringify(c.pad)}`;
}

/** The conv's output shape, by tfjs's own rules. */
export function outShape(c: ConvCase, depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    c.x as [number, number, number, number],
    c.filter as [number, number, number, number],
    c.strides,
    c.dilations,
    c.pad,
    typeof c.pad === 'number' ? 'ceil' : undefined,
    depthwise,
  );
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

/**
 * Seeded random conv configurations with a non-empty output: odd and even sizes, batch 1 to 3,
 * strides 1 to 3, same / valid / explicit / numeric padding, and (when allowed) dilation 2.
 */
export function randomConvCases(count: number, seed: number, o: { depthwise: boolean; dilation: boolean }): ConvCase[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const k: [number, number] = [int(1, 4), int(1, 4)];
    const dilated = o.dilation && r() < 0.35;
    const d: [number, number] = dilated ? [2, int(1, 2)] : [1, 1];
    const s: [number, number] = dilated ? [1, 1] : [int(1, 3), int(1, 3)];
    const x = [int(1, 3), int(1, 11), int(1, 11), int(1, 4)];
    const pick = r();
    const pad: Pad =
      pick < 0.35 ? 'same' : pick < 0.7 ? 'valid' : pick < 0.9 ? [[0, 0], [int(0, 3), int(0, 3)], [int(0, 3), int(0, 3)], [0, 0]] : int(0, 2);
    const filter = o.depthwise ? [k[0], k[1], x[3], int(1, 2)] : [k[0], k[1], x[3], int(1, 5)];
    const c: ConvCase = { x, filter, strides: s, dilations: d, pad };
    const out = outShape(c, o.depthwise);
    if (out.every((v) => v > 0)) cases.push(c);
  }
  return cases;
}
