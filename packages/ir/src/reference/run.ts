import { IntModelError, describeValue } from '../errors.ts';
import { elementCount, formatShape } from '../shape.ts';
import type { IntModel, Node, ValueDecl } from '../types.ts';
import { validateModel } from '../validate/model.ts';
import { checkInputs, concreteShapes, type ReferenceInputs } from './inputs.ts';
import { getReferenceOp, listReferenceOps } from './registry.ts';
import {
  arrayClassOf, firstCodeOutsideGrid,
  type ActivationArray, type ReferenceOutput, type ReferenceTensor,
} from './tensor.ts';

// The reference interpreter: runs an IntModel one node at a time, one element at a time, with the
// scalar numerics of numerics.ts. It is the oracle convert() and the WASM runtime are tested against:
// obvious rather than fast.

export interface ReferenceOptions {
  /**
   * The batch size N every -1 in the model stands for. Optional: the length of each input whose dim 0
   * is -1 fixes it (or its `{ data, shape }`); when given, the inputs must agree with it.
   */
  readonly batch?: number;
}

/** Graph outputs by name, in the class of their dtype (Float32Array, Int8Array, Uint8Array). */
export type ReferenceOutputs = Record<string, ActivationArray>;

function checkOptions(options: unknown): ReferenceOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new IntModelError('options', `must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'batch') throw new IntModelError(`options.${key}`, 'unknown option (known: batch)');
  }
  return options as ReferenceOptions;
}

/** What one node's kernel returned: one array per output, of its dtype class, length and grid. */
function checkResults(node: Node, field: string, results: unknown, outputs: readonly ReferenceOutput[]): readonly ActivationArray[] {
  const who = `the reference of ${node.op} '${node.name}'`;
  if (!Array.isArray(results) || results.length !== outputs.length) {
    throw new IntModelError(`${field}.outputs`, `${who} must return ${outputs.length} array(s), got ${describeValue(results)}`);
  }
  return outputs.map((out, j) => {
    const data: unknown = results[j];
    const where = `${field}.outputs[${j}]`;
    const cls = arrayClassOf(out.dtype);
    const count = elementCount(out.shape);
    if (!(data instanceof cls) || data.length !== count) {
      throw new IntModelError(where, `${who} must return a ${cls.name} of ${count} elements for '${out.name}' ${formatShape(out.shape)}, got ${describeValue(data)}`);
    }
    const bad = firstCodeOutsideGrid(data, out.dtype, out.quant);
    if (bad >= 0) throw new IntModelError(where, `${who} produced code ${data[bad]} at [${bad}], outside the grid of '${out.name}'`);
    return data;
  });
}

/**
 * Runs `model` on `inputs` and returns every value it computes by name (graph inputs, as copies,
 * and each node's outputs) with its concrete shape: for locating where a runtime first departs from
 * the reference. Validates the model and the inputs first; throws IntModelError naming the problem.
 */
export function traceReference(model: IntModel, inputs: ReferenceInputs, options: ReferenceOptions = {}): Map<string, ReferenceTensor> {
  validateModel(model);
  const { arrays, sizes } = checkInputs(model, inputs, checkOptions(options).batch);
  const shapes = concreteShapes(model, sizes);
  const concrete = (decl: ValueDecl): readonly number[] => shapes.get(decl.name) as readonly number[];
  const decls = new Map(model.values.map((v) => [v.name, v]));
  const tensors = new Map<string, ReferenceTensor>(model.constants.map((c) => [c.name, c]));
  const values = new Map<string, ReferenceTensor>();
  const define = (t: ReferenceTensor) => {
    tensors.set(t.name, t);
    values.set(t.name, t);
  };
  for (const [name, data] of arrays) {
    const decl = decls.get(name) as ValueDecl;
    define({ name, dtype: decl.dtype, shape: concrete(decl), data, ...(decl.quant ? { quant: decl.quant } : {}) });
  }
  model.nodes.forEach((node, i) => {
    const field = `nodes[${i}]`;
    const kernel = getReferenceOp(node.op);
    if (kernel === undefined) {
      throw new IntModelError(`${field}.op`, `no reference implementation of op '${node.op}' (node '${node.name}'); ` +
        `add one with registerReferenceOp (have: ${listReferenceOps().join(', ')})`);
    }
    const outputs = node.outputs.map((name): ReferenceOutput => {
      const decl = decls.get(name) as ValueDecl;
      return { name, dtype: decl.dtype, shape: concrete(decl), ...(decl.quant ? { quant: decl.quant } : {}) };
    });
    const ins = node.inputs.map((name) => tensors.get(name) as ReferenceTensor);
    const results = checkResults(node, field, kernel({ node, inputs: ins, outputs }), outputs);
    outputs.forEach((out, j) => define({ ...out, data: results[j] }));
  });
  return values;
}

/**
 * Runs `model` on `inputs` (per graph input a typed array: Float32Array for float32, Int8Array /
 * Uint8Array codes for int8 / uint8, a -1 batch fixed by the length; or `{ data, shape }` with the
 * concrete shape, which fixes its run-time sizes -2, -3, ...) and returns its graph outputs.
 * Every op computes exactly what its schema's doc comment and numerics.ts say, element by element.
 */
export function runReference(model: IntModel, inputs: ReferenceInputs, options: ReferenceOptions = {}): ReferenceOutputs {
  const values = traceReference(model, inputs, options);
  // fromEntries defines own properties, so an output named __proto__ is an output like any other
  return Object.fromEntries(model.outputs.map((name) => [name, (values.get(name) as ReferenceTensor).data as ActivationArray]));
}
