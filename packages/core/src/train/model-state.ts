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
 * Checks a captured state against the model without changing anything: the same parameters (paths,
 * shapes, dtypes) and quantizers (labels and plugins). Throws a CheckpointError naming the first
 * difference.
 */
export function checkModelState(model: Module<ModuleOutput>, state: ModelState): void {
  if (model === null || typeof model !== 'object' || typeof model.namedParameters !== 'function') throw new CheckpointError('restoreModel: model must be a Module');
  if (state === null || typeof state !== 'object' || !(state.params instanceof Map) || !(state.quantizers instanceof Map)) {
    throw new CheckpointError('restoreModel: state must hold params and quantizers maps (from captureModel or decodeCheckpoint)');
  }
  const params = model.namedParameters();
  for (const [path, v] of params) {
    const saved = state.params.get(path);
    if (!saved) throw new CheckpointError(`checkpoint has no parameter '${path}' (it was saved from a different model)`);
    if (!sameShape(saved.shape, v.shape)) throw new CheckpointError(`parameter '${path}' has shape [${v.shape}] but the checkpoint holds [${saved.shape}]`);
    const dtype = v.dtype === 'int32' ? 'int32' : 'float32';
    if (saved.dtype !== dtype) throw new CheckpointError(`parameter '${path}' is ${v.dtype} but the checkpoint holds ${saved.dtype}`);
    if (!(saved.values instanceof (dtype === 'int32' ? Int32Array : Float32Array)) || saved.values.length !== v.size) {
      throw new CheckpointError(`parameter '${path}': the checkpoint's values do not fill shape [${v.shape}] as ${dtype}`);
    }
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
}

/**
 * Puts a captured state back. The whole state is checked first (checkModelState); a quantizer that
 * refuses its state puts every quantizer back as it was and throws a CheckpointError. Parameters are
 * assigned only after every quantizer accepted its state, so on any error the model is unchanged.
 */
export function restoreModel(model: Module<ModuleOutput>, state: ModelState): void {
  checkModelState(model, state);
  const params = model.namedParameters();
  const quantizers = model.namedQuantizers();
  const before = quantizers.map(([, q]) => q.state());
  let loading = '';
  try {
    for (const [label, q] of quantizers) {
      loading = label;
      q.load(state.quantizers.get(label) as QuantizerState);
    }
  } catch (e) {
    quantizers.forEach(([, q], i) => q.load(before[i]));
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`quantizer '${loading}' refused the checkpoint's state: ${(e as Error).message}`);
  }
  tf.tidy(() => {
    for (const [path, v] of params) {
      const s = state.params.get(path) as TensorData;
      v.assign(tf.tensor(s.values, s.shape, s.dtype));
    }
  });
}
