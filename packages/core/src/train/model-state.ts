import * as tf from '@tensorflow/tfjs-core';
import type { Module, ModuleOutput } from '../module/module.ts';
import type { QuantizerState } from '../quantizer/quantizer.ts';
import { CheckpointError, type TensorData } from './checkpoint-format.ts';

export interface ModelState {
  readonly params: ReadonlyMap<string, TensorData>;
  readonly quantizers: ReadonlyMap<string, QuantizerState>;
}

/** Copies every parameter (trainable or not) and every quantizer's state out of the model. */
export function captureModel(model: Module<ModuleOutput>): ModelState {
  const params = new Map<string, TensorData>();
  for (const [path, v] of model.namedParameters()) {
    params.set(path, {
      shape: [...v.shape],
      dtype: v.dtype === 'int32' ? 'int32' : 'float32',
      values: v.dtype === 'int32' ? Int32Array.from(v.dataSync()) : Float32Array.from(v.dataSync()),
    });
  }
  const quantizers = new Map<string, QuantizerState>();
  for (const [label, q] of model.namedQuantizers()) quantizers.set(label, q.state());
  return { params, quantizers };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Puts a captured state back. The model must have exactly the saved parameters (paths and shapes) and
 * quantizers (labels and plugins); anything else is rejected before the model is touched. If a
 * quantizer refuses its state, the quantizers already loaded are put back as they were.
 */
export function restoreModel(model: Module<ModuleOutput>, state: ModelState): void {
  const params = model.namedParameters();
  for (const [path, v] of params) {
    const saved = state.params.get(path);
    if (!saved) throw new CheckpointError(`checkpoint has no parameter '${path}' (it was saved from a different model)`);
    if (!sameShape(saved.shape, v.shape)) throw new CheckpointError(`parameter '${path}' has shape [${v.shape}] but the checkpoint holds [${saved.shape}]`);
  }
  const known = new Set(params.map(([p]) => p));
  for (const path of state.params.keys()) if (!known.has(path)) throw new CheckpointError(`checkpoint parameter '${path}' does not exist in this model`);
  const quantizers = model.namedQuantizers();
  for (const [label, q] of quantizers) {
    const s = state.quantizers.get(label);
    if (!s) throw new CheckpointError(`checkpoint has no state for quantizer '${label}' (was the model prepared with the same recipe?)`);
    if (s.quantizer !== q.quantizer) throw new CheckpointError(`quantizer '${label}' is '${q.quantizer}' but the checkpoint holds '${s.quantizer}'`);
  }
  if (state.quantizers.size !== quantizers.length) {
    const labels = new Set(quantizers.map(([l]) => l));
    const extra = [...state.quantizers.keys()].find((l) => !labels.has(l));
    throw new CheckpointError(`checkpoint quantizer '${extra}' does not exist in this model`);
  }
  const before = quantizers.map(([, q]) => q.state());
  try {
    for (const [label, q] of quantizers) q.load(state.quantizers.get(label) as QuantizerState);
  } catch (e) {
    quantizers.forEach(([, q], i) => q.load(before[i]));
    throw e;
  }
  tf.tidy(() => {
    for (const [path, v] of params) {
      const s = state.params.get(path) as TensorData;
      v.assign(tf.tensor(s.values, s.shape, s.dtype));
    }
  });
}
