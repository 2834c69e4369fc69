import { IntModelError, fail } from '../errors.ts';
import { getOpSchema, listOps } from '../ops/registry.ts';
import type { Inferred, OpContext, OpSchema, TensorInfo } from '../ops/schema.ts';
import { sameQuant } from '../quant.ts';
import { formatShape, sameShape } from '../shape.ts';
import type { Node } from '../types.ts';
import { checkAttrs } from './attrs.ts';

/** Looks a tensor name up among what is defined so far (graph inputs, constants, earlier outputs). */
export type Lookup = (name: string) => TensorInfo | undefined;

export function schemaFor(node: Node, field: string): OpSchema {
  const schema = getOpSchema(node.op);
  if (!schema) fail(`${field}.op`, `unknown op ${JSON.stringify(node.op)} (known: ${listOps().join(', ')})`);
  return schema;
}

function resolveInputs(node: Node, schema: OpSchema, field: string, lookup: Lookup): TensorInfo[] {
  const required = schema.inputs.filter((s) => !s.optional).length;
  if (node.inputs.length < required || node.inputs.length > schema.inputs.length) {
    const want = required === schema.inputs.length ? `${required}` : `${required} to ${schema.inputs.length}`;
    fail(`${field}.inputs`, `${node.op} takes ${want} inputs (${schema.inputs.map((s) => s.name).join(', ')}), got ${node.inputs.length}`);
  }
  return node.inputs.map((name, i) => {
    const spec = schema.inputs[i];
    const t = lookup(name);
    if (!t) fail(`${field}.inputs[${i}]`, `'${name}' is not defined before this node (not a graph input, a constant or an earlier node's output)`);
    const isConstant = t.data !== undefined;
    if (spec.kind === 'constant' && !isConstant) fail(`${field}.inputs[${i}]`, `${node.op} input ${spec.name} must be a constant; '${name}' is computed at run time`);
    if (spec.kind === 'activation' && isConstant) fail(`${field}.inputs[${i}]`, `${node.op} input ${spec.name} must be a value; '${name}' is a constant`);
    if (!spec.dtypes.includes(t.dtype)) fail(`${field}.inputs[${i}]`, `${node.op} input ${spec.name} must be ${spec.dtypes.join(' or ')}; '${name}' is ${t.dtype}`);
    return t;
  });
}

function checkOutputDTypes(node: Node, schema: OpSchema, field: string, outputs: readonly TensorInfo[]): void {
  outputs.forEach((t, i) => {
    const spec = schema.outputs[i];
    if (!(spec.dtypes as readonly string[]).includes(t.dtype)) {
      fail(`${field}.outputs[${i}]`, `${node.op} output ${spec.name} must be ${spec.dtypes.join(' or ')}; '${t.name}' is ${t.dtype}`);
    }
  });
}

function compare(node: Node, field: string, inferred: readonly Inferred[], outputs: readonly TensorInfo[]): void {
  inferred.forEach((inf, i) => {
    const t = outputs[i];
    const where = `${field}.outputs[${i}]`;
    if (!sameShape(inf.shape, t.shape)) fail(where, `'${t.name}' is declared ${formatShape(t.shape)} but ${node.op} gives ${formatShape(inf.shape)}`);
    if (inf.dtype !== undefined && inf.dtype !== t.dtype) fail(where, `'${t.name}' is declared ${t.dtype} but ${node.op} keeps its input's ${inf.dtype}`);
    if (inf.dtype !== undefined && !sameQuant(inf.quant, t.quant)) {
      fail(where, `'${t.name}' must have exactly its input's quant params (${node.op} does not rescale)`);
    }
  });
}

/**
 * Checks one node against its op schema: arity, input kinds and dtypes, attributes, and the op's own
 * rules. With `outputs` (the declared output values) it also checks their dtypes and that the
 * inferred shapes, dtypes and quant params match them. Returns what the op infers.
 */
export function checkNode(node: Node, field: string, lookup: Lookup, outputs?: readonly TensorInfo[]): readonly Inferred[] {
  const schema = schemaFor(node, field);
  const inputs = resolveInputs(node, schema, field, lookup);
  if (node.outputs.length !== schema.outputs.length) {
    fail(`${field}.outputs`, `${node.op} has ${schema.outputs.length} output(s), got ${node.outputs.length}`);
  }
  if (outputs) checkOutputDTypes(node, schema, field, outputs);
  checkAttrs(schema, node.attrs, `${field}.attrs`, outputs?.[0]);
  const ctx: OpContext = {
    inputs: schema.inputs.map((_, i) => inputs[i]),
    attrs: node.attrs,
    outputs,
    fail: (f, problem) => {
      throw new IntModelError(`${field}.${f}`, `${node.op} '${node.name}': ${problem}`);
    },
  };
  const inferred = schema.infer(ctx);
  if (outputs) compare(node, field, inferred, outputs);
  return inferred;
}
