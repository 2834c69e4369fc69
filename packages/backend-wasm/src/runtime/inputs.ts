// Graph inputs as the caller gives them (Float32Array reals, or Uint8Array / Int8Array codes) checked
// and turned into the stored form: float32, or int8 codes (uint8 shifted by -128, see storage.ts).
import { elementCount, quantizeValue, type ValueDecl } from '@qatjs/ir';
import { BackendWasmError, valueText } from '../errors.ts';
import type { Storage } from './storage.ts';

export type SessionInput = Float32Array | Uint8Array | Int8Array | Int16Array | Int32Array;

const fail = (name: string, problem: string): never => {
  throw new BackendWasmError(`run(): input '${name}' ${problem}`);
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return 'an Array (use a typed array)';
  return typeof v;
}

/** An input with its concrete shape: needed when the declared shape has run-time sizes other than the batch. */
export interface ShapedInput {
  readonly data: SessionInput;
  /** The declared shape with every run-time size (negative dim) replaced by its size. */
  readonly shape: readonly number[];
}

/** Run-time sizes by symbol (-1 the batch, -2, -3, ...), each with the input that fixed it. */
export type RunSizes = Map<number, { readonly size: number; readonly from: string }>;

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

function fix(sizes: RunSizes, name: string, sym: number, size: number, where: string): void {
  const known = sizes.get(sym);
  if (known && known.size !== size) fail(name, `${where}: run-time size ${sym} is ${size} here, but ${known.from} says ${known.size}`);
  if (!known) sizes.set(sym, { size, from: `input '${name}'` });
}

/**
 * Checks one input's length or shape against its declared shape, records the run-time sizes it
 * fixes, and returns its data. A bare typed array may leave open only the batch (dim 0 = -1), which
 * its length fixes; `{ data, shape }` gives every dim.
 */
export function inputSizes(decl: ValueDecl, given: unknown, sizes: RunSizes): unknown {
  const name = decl.name;
  if (given !== null && typeof given === 'object' && !ArrayBuffer.isView(given) && !Array.isArray(given)) {
    const { data, shape, ...rest } = given as { data?: unknown; shape?: unknown };
    const extra = Object.keys(rest);
    if (extra.length > 0) fail(name, `has unknown field '${extra[0]}' (an input is a typed array or { data, shape })`);
    if (!ArrayBuffer.isView(data) || data instanceof DataView) fail(name, `.data must be a typed array, got ${describe(data)}`);
    if (!Array.isArray(shape) || shape.length !== decl.shape.length) fail(name, `.shape must list ${decl.shape.length} dims (declared ${shapeText(decl.shape)}), got ${describe(shape)}`);
    const dims = shape as unknown[];
    dims.forEach((v, i) => {
      if (!Number.isSafeInteger(v) || (v as number) < 1) fail(name, `.shape[${i}] must be a positive integer, got ${valueText(v)}`);
      const d = decl.shape[i];
      if (d >= 0 && v !== d) fail(name, `.shape[${i}] is ${valueText(v)}, but the declared shape ${shapeText(decl.shape)} has ${d} there`);
    });
    const local = new Map<number, number>();
    dims.forEach((v, i) => {
      const d = decl.shape[i];
      if (d >= 0) return;
      const seen = local.get(d);
      if (seen !== undefined && seen !== v) fail(name, `.shape ${shapeText(dims as number[])} gives run-time size ${d} two sizes (${seen} and ${valueText(v)})`);
      local.set(d, v as number);
    });
    const count = (dims as number[]).reduce((a, b) => a * b, 1);
    if ((data as SessionInput).length !== count) fail(name, `.data has ${(data as SessionInput).length} elements; shape ${shapeText(dims as number[])} holds ${count}`);
    for (const [d, v] of local) fix(sizes, name, d, v, `.shape`);
    return data;
  }
  if (!ArrayBuffer.isView(given) || given instanceof DataView) fail(name, `must be a typed array or { data, shape }, got ${describe(given)}`);
  const data = given as SessionInput;
  if (decl.shape.some((d) => d < -1)) fail(name, `${shapeText(decl.shape)} has run-time sizes other than the batch: give { data, shape } with its concrete shape`);
  const perItem = elementCount(decl.shape[0] === -1 ? decl.shape.slice(1) : decl.shape);
  if (decl.shape[0] !== -1) {
    if (data.length !== perItem) fail(name, `has ${data.length} elements; shape ${shapeText(decl.shape)} holds ${perItem}`);
    return data;
  }
  if (data.length === 0 || data.length % perItem !== 0) {
    fail(name, `has ${data.length} elements, not a positive multiple of ${perItem} (shape ${shapeText(decl.shape)}, dim 0 the batch)`);
  }
  const known = sizes.get(-1);
  if (known && known.size !== data.length / perItem) fail(name, `holds a batch of ${data.length / perItem}, but ${known.from} says ${known.size}`);
  fix(sizes, name, -1, data.length / perItem, 'its length');
  return data;
}

/** int32 (token ids) and int16 (codes) inputs: exactly their array class; int16 codes inside the grid. */
function wideInput(decl: ValueDecl, s: Storage, data: unknown): Int16Array | Int32Array {
  const name = decl.name;
  if (s.dtype === 'int32') {
    if (!(data instanceof Int32Array)) fail(name, `is int32: give an Int32Array, got ${describe(data)}`);
    return data as Int32Array;
  }
  if (!(data instanceof Int16Array)) fail(name, `is int16: give an Int16Array of codes, got ${describe(data)}`);
  const arr = data as Int16Array;
  const { min, max } = s.grid as { min: number; max: number };
  for (let i = 0; i < arr.length; i++) {
    if (arr[i] < min || arr[i] > max) fail(name, `element ${i} = ${arr[i]} is outside its ${decl.quant?.bits}-bit int16 grid`);
  }
  return arr;
}

/** Checks the array class and values, and returns what to write into the stored tensor. */
export function storedInput(decl: ValueDecl, s: Storage, data: unknown): Float32Array | Int8Array | Int16Array | Int32Array {
  const name = decl.name;
  if (s.dtype === 'int32' || s.dtype === 'int16') return wideInput(decl, s, data);
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
