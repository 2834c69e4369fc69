import { IntModelError, describeValue } from '../errors.ts';
import { elementCount, formatShape } from '../shape.ts';
import type { IntModel, ValueDecl } from '../types.ts';
import { arrayClassOf, firstCodeOutsideGrid, type ActivationArray } from './tensor.ts';

/** Graph inputs by name: a Float32Array for a float32 input, Int8Array / Uint8Array codes for int8 / uint8. */
export type ReferenceInputs = Readonly<Record<string, ActivationArray>>;

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The one array a graph input must be: its class, and codes inside the grid. */
function checkArray(decl: ValueDecl, data: unknown): ActivationArray {
  const field = `inputs.${decl.name}`;
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

/**
 * Checks the caller's inputs against the model's graph inputs (every one given, no other name, the
 * right array class, codes inside their grid, a length that fits the shape) and returns them with
 * the batch size N that every -1 in the model stands for: fixed by the length of each input whose
 * dim 0 is -1 (all must agree, and agree with `batch` when given); undefined when no input has one.
 */
export function checkInputs(model: IntModel, inputs: unknown, batchOption: unknown): { arrays: Map<string, ActivationArray>; batch: number | undefined } {
  if (!isPlainObject(inputs)) throw new IntModelError('inputs', `must be an object of typed arrays by input name, got ${describeValue(inputs)}`);
  const decls = new Map(model.values.filter((v) => model.inputs.includes(v.name)).map((v) => [v.name, v]));
  for (const name of Object.keys(inputs)) {
    if (!decls.has(name)) throw new IntModelError(`inputs.${name}`, `the model has no input named '${name}' (inputs: ${model.inputs.join(', ')})`);
  }
  let batch = checkBatchOption(batchOption);
  let batchFrom = batch === undefined ? undefined : 'options.batch';
  const arrays = new Map<string, ActivationArray>();
  for (const name of model.inputs) {
    const decl = decls.get(name) as ValueDecl;
    const field = `inputs.${name}`;
    if (!Object.hasOwn(inputs, name)) throw new IntModelError(field, `missing: the model needs input '${name}' (${decl.dtype} ${formatShape(decl.shape)})`);
    const data = checkArray(decl, inputs[name]);
    const perItem = elementCount(decl.shape);
    if (decl.shape[0] !== -1) {
      if (data.length !== perItem) throw new IntModelError(field, `has ${data.length} elements; shape ${formatShape(decl.shape)} holds ${perItem}`);
    } else {
      if (data.length === 0 || data.length % perItem !== 0) {
        throw new IntModelError(field, `has ${data.length} elements, not a positive multiple of ${perItem} (shape ${formatShape(decl.shape)}, dim 0 the batch)`);
      }
      const n = data.length / perItem;
      if (batch !== undefined && n !== batch) {
        throw new IntModelError(field, `holds a batch of ${n} (${data.length} elements of ${formatShape(decl.shape)}), but ${batchFrom} says ${batch}`);
      }
      batch = n;
      batchFrom ??= `input '${name}'`;
    }
    arrays.set(name, data.slice());
  }
  if (batchOption !== undefined && !model.inputs.some((name) => (decls.get(name) as ValueDecl).shape[0] === -1)) {
    throw new IntModelError('options.batch', `the model has no run-time batch (no input has dim 0 = -1); leave batch out`);
  }
  return { arrays, batch };
}
