import { IntModelError, describeValue } from '../errors.ts';
import { BATCH_DIM, elementCount, formatShape } from '../shape.ts';
import type { IntModel, ValueDecl } from '../types.ts';
import { arrayClassOf, firstCodeOutsideGrid, type ActivationArray } from './tensor.ts';

/** One graph input with its concrete shape: needed when the declared shape has run-time sizes other than the batch. */
export interface ReferenceInput {
  readonly data: ActivationArray;
  /** The declared shape with every run-time size (negative dim) replaced by its size. */
  readonly shape: readonly number[];
}

/**
 * Graph inputs by name: a typed array (Float32Array for float32, Int8Array / Uint8Array codes for
 * int8 / uint8; its length fixes the batch -1, its only allowed run-time size), or `{ data, shape }`.
 */
export type ReferenceInputs = Readonly<Record<string, ActivationArray | ReferenceInput>>;

/** The size of each run-time size (a negative dim) of the model, and who fixed it (for messages). */
export type DynamicSizes = Map<number, { readonly size: number; readonly from: string }>;

const MAX_INDEX = 2 ** 31 - 1;

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The one array a graph input must be: its class, and codes inside the grid. */
function checkArray(decl: ValueDecl, data: unknown, field: string): ActivationArray {
  const cls = arrayClassOf(decl.dtype);
  if (!(data instanceof cls)) throw new IntModelError(field, `the ${decl.dtype} input needs a ${cls.name}, got ${describeValue(data)}`);
  const bad = firstCodeOutsideGrid(data, decl.dtype, decl.quant);
  if (bad >= 0) {
    throw new IntModelError(`${field}[${bad}]`, `code ${data[bad]} is outside the ${decl.quant?.bits}-bit ${decl.dtype} grid of '${decl.name}'`);
  }
  return data;
}

/** Checks `batch` (options.batch): undefined or a positive integer. */
function checkBatchOption(batch: unknown): number | undefined {
  if (batch !== undefined && !(Number.isSafeInteger(batch) && (batch as number) >= 1)) {
    throw new IntModelError('options.batch', `must be a positive integer, got ${describeValue(batch)}`);
  }
  return batch as number | undefined;
}

/** A bare typed array: its length fixes the batch (dim 0 = -1), the only run-time size it may leave open. */
function fixFromLength(decl: ValueDecl, data: ActivationArray, field: string, sizes: DynamicSizes): void {
  const others = decl.shape.filter((d) => d < BATCH_DIM);
  if (others.length > 0) {
    throw new IntModelError(field, `'${decl.name}' ${formatShape(decl.shape)} has run-time sizes other than the batch: give { data, shape } with its concrete shape`);
  }
  const perItem = elementCount(decl.shape);
  if (decl.shape[0] !== BATCH_DIM) {
    if (data.length !== perItem) throw new IntModelError(field, `has ${data.length} elements; shape ${formatShape(decl.shape)} holds ${perItem}`);
    return;
  }
  if (data.length === 0 || data.length % perItem !== 0) {
    throw new IntModelError(field, `has ${data.length} elements, not a positive multiple of ${perItem} (shape ${formatShape(decl.shape)}, dim 0 the batch)`);
  }
  const n = data.length / perItem;
  const known = sizes.get(BATCH_DIM);
  if (known !== undefined && n !== known.size) {
    throw new IntModelError(field, `holds a batch of ${n} (${data.length} elements of ${formatShape(decl.shape)}), but ${known.from} says ${known.size}`);
  }
  if (known === undefined) sizes.set(BATCH_DIM, { size: n, from: `input '${decl.name}'` });
}

/** `{ data, shape }`: the shape is the declared one with each run-time size filled in, consistently with the other inputs. */
function fixFromShape(decl: ValueDecl, given: Readonly<Record<string, unknown>>, field: string, sizes: DynamicSizes): ActivationArray {
  for (const key of Object.keys(given)) {
    if (key !== 'data' && key !== 'shape') throw new IntModelError(`${field}.${key}`, 'unknown field (an input is { data, shape })');
  }
  const data = checkArray(decl, given.data, `${field}.data`);
  const shape = given.shape;
  if (!Array.isArray(shape) || shape.length !== decl.shape.length) {
    throw new IntModelError(`${field}.shape`, `must be a list of ${decl.shape.length} dims (declared ${formatShape(decl.shape)}), got ${describeValue(shape)}`);
  }
  const found = new Map<number, number>();
  decl.shape.forEach((d, i) => {
    const v: unknown = shape[i];
    const where = `${field}.shape[${i}]`;
    if (!Number.isSafeInteger(v) || (v as number) < 1) throw new IntModelError(where, `must be a positive integer, got ${describeValue(v)}`);
    if (d >= 0) {
      if (v !== d) throw new IntModelError(where, `is ${v as number}, but '${decl.name}' ${formatShape(decl.shape)} has static dim ${d} there`);
      return;
    }
    const known = sizes.get(d) ?? (found.has(d) ? { size: found.get(d) as number, from: `dim ${decl.shape.indexOf(d)} of input '${decl.name}'` } : undefined);
    if (known !== undefined && known.size !== v) {
      throw new IntModelError(where, `run-time size ${d} is ${v as number} here, but ${known.from} says ${known.size}`);
    }
    found.set(d, v as number);
  });
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (count > MAX_INDEX) throw new IntModelError(`${field}.shape`, `${formatShape(shape as number[])} holds ${count} elements, more than ${MAX_INDEX}`);
  if (data.length !== count) throw new IntModelError(`${field}.data`, `has ${data.length} elements; shape ${formatShape(shape as number[])} holds ${count}`);
  for (const [d, size] of found) if (!sizes.has(d)) sizes.set(d, { size, from: `input '${decl.name}'` });
  return data;
}

/**
 * Checks the caller's inputs against the model's graph inputs (every one given, no other name, the
 * right array class, codes inside their grid, a length or shape that fits the declared shape) and
 * returns them with the size of every run-time size they fix: the batch (-1) from the length of a
 * bare array or from `batch` (all must agree), the others from `{ data, shape }` inputs (each size
 * the same in every input that uses it).
 */
export function checkInputs(model: IntModel, inputs: unknown, batchOption: unknown): { arrays: Map<string, ActivationArray>; sizes: DynamicSizes } {
  if (!isPlainObject(inputs)) throw new IntModelError('inputs', `must be an object of typed arrays (or { data, shape }) by input name, got ${describeValue(inputs)}`);
  const decls = new Map(model.values.filter((v) => model.inputs.includes(v.name)).map((v) => [v.name, v]));
  for (const name of Object.keys(inputs)) {
    if (!decls.has(name)) throw new IntModelError(`inputs.${name}`, `the model has no input named '${name}' (inputs: ${model.inputs.join(', ')})`);
  }
  const sizes: DynamicSizes = new Map();
  const batch = checkBatchOption(batchOption);
  if (batch !== undefined) sizes.set(BATCH_DIM, { size: batch, from: 'options.batch' });
  const arrays = new Map<string, ActivationArray>();
  for (const name of model.inputs) {
    const decl = decls.get(name) as ValueDecl;
    const field = `inputs.${name}`;
    if (!Object.hasOwn(inputs, name)) throw new IntModelError(field, `missing: the model needs input '${name}' (${decl.dtype} ${formatShape(decl.shape)})`);
    const raw = inputs[name];
    let data: ActivationArray;
    if (isPlainObject(raw)) {
      data = fixFromShape(decl, raw, field, sizes);
    } else {
      data = checkArray(decl, raw, field);
      fixFromLength(decl, data, field, sizes);
    }
    arrays.set(name, data.slice());
  }
  if (batchOption !== undefined && !model.inputs.some((name) => (decls.get(name) as ValueDecl).shape[0] === BATCH_DIM)) {
    throw new IntModelError('options.batch', `the model has no run-time batch (no input has dim 0 = -1); leave batch out`);
  }
  return { arrays, sizes };
}

/**
 * The concrete shapes of every value: each run-time size replaced by its size. Every size a value
 * uses must be fixed by some input: a model output first (field `outputs[j]`), then any other value.
 */
export function concreteShapes(model: IntModel, sizes: DynamicSizes): Map<string, readonly number[]> {
  const byName = new Map(model.values.map((v, i) => [v.name, { v, i }]));
  const order = [...model.outputs.map((name, j) => ({ name, field: `outputs[${j}]` })), ...model.values.map((v, i) => ({ name: v.name, field: `values[${i}]` }))];
  const out = new Map<string, readonly number[]>();
  for (const { name, field } of order) {
    if (out.has(name)) continue;
    const { v } = byName.get(name) as { v: ValueDecl };
    const shape = v.shape.map((d) => {
      if (d >= 0) return d;
      const s = sizes.get(d);
      if (s === undefined) throw new IntModelError(field, `'${name}' ${formatShape(v.shape)} uses run-time size ${d}, which no input fixes`);
      return s.size;
    });
    const count = shape.reduce((a, b) => a * b, 1);
    if (count > MAX_INDEX) throw new IntModelError(field, `'${name}' would hold ${count} elements (${formatShape(shape)}), more than ${MAX_INDEX}`);
    out.set(name, shape);
  }
  return out;
}
