// Graph inputs as the caller gives them (Float32Array reals, or Uint8Array / Int8Array codes) checked
// and turned into the stored form: float32, or int8 codes (uint8 shifted by -128, see storage.ts).
import { elementCount, quantizeValue, type ValueDecl } from '@qatjs/ir';
import { BackendWasmError } from '../errors.ts';
import type { Storage } from './storage.ts';

export type SessionInput = Float32Array | Uint8Array | Int8Array;

const fail = (name: string, problem: string): never => {
  throw new BackendWasmError(`run(): input '${name}' ${problem}`);
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return 'an Array (use a typed array)';
  return typeof v;
}

/** The batch size this input implies (1 when dim 0 is static), after checking its length. */
export function inputBatch(decl: ValueDecl, data: SessionInput): number {
  const perItem = elementCount(decl.shape[0] === -1 ? decl.shape.slice(1) : decl.shape);
  if (decl.shape[0] !== -1) {
    if (data.length !== perItem) fail(decl.name, `has ${data.length} elements; shape [${decl.shape.join(', ')}] holds ${perItem}`);
    return 1;
  }
  if (data.length === 0 || data.length % perItem !== 0) {
    fail(decl.name, `has ${data.length} elements, not a positive multiple of ${perItem} (shape [${decl.shape.join(', ')}], dim 0 the batch)`);
  }
  return data.length / perItem;
}

/** Checks the array class and values, and returns what to write into the stored tensor. */
export function storedInput(decl: ValueDecl, s: Storage, data: unknown): Float32Array | Int8Array {
  const name = decl.name;
  if (data instanceof Float32Array) {
    // x - x is 0 for every finite x and NaN otherwise: one cheap pass, then find the culprit.
    let probe = 0;
    for (let i = 0; i < data.length; i++) probe += data[i] - data[i];
    if (probe !== 0) {
      const i = data.findIndex((v) => !Number.isFinite(v));
      fail(name, `element ${i} is ${data[i]}: inputs must be finite`);
    }
    if (s.dtype === 'float32') return data;
    // Reals for a quantized input: quantized here exactly as the IR's quantize op does.
    const { scale, zeroPoint } = s.quant as { scale: number; zeroPoint: number };
    const { min, max } = s.grid as { min: number; max: number };
    const out = new Int8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = quantizeValue(data[i], scale, zeroPoint, min, max);
    return out;
  }
  if (s.dtype === 'float32') return fail(name, `is float32: give a Float32Array, got ${describe(data)}`);
  const codes = decl.dtype === 'uint8' ? data instanceof Uint8Array && !(data instanceof Uint8ClampedArray) : data instanceof Int8Array;
  if (!codes) fail(name, `is ${decl.dtype}: give a Float32Array of reals or ${decl.dtype === 'uint8' ? 'a Uint8Array' : 'an Int8Array'} of codes, got ${describe(data)}`);
  const arr = data as Uint8Array | Int8Array;
  const { min, max } = s.grid as { min: number; max: number };
  const out = new Int8Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i] - s.shift;
    if (v < min || v > max) fail(name, `element ${i} = ${arr[i]} is outside its ${decl.quant?.bits}-bit ${decl.dtype} grid`);
    out[i] = v;
  }
  return out;
}
