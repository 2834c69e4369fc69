import { describeValue, fail } from '../errors.ts';
import { type Limits, limits, withLimits } from '../limits.ts';
import type { TensorInfo } from '../ops/schema.ts';
import { INT_MODEL_VERSION, type IntModel, type ValueDecl } from '../types.ts';
import { checkNode } from './node.ts';
import { type Plain, checkConstant, checkMetadata, checkNodeFields, checkValue, expectList, expectNames, expectObject, own } from './structure.ts';

const MODEL_KEYS = ['version', 'inputs', 'outputs', 'values', 'constants', 'nodes', 'metadata'] as const;

/** Declarations by name; value and constant names share the namespace. */
function declare(model: Plain): Map<string, TensorInfo> {
  const byName = new Map<string, TensorInfo>();
  const add = (t: TensorInfo, field: string) => {
    if (byName.has(t.name)) fail(field, `duplicate tensor name '${t.name}' (values and constants share one namespace)`);
    byName.set(t.name, t);
  };
  expectList(own(model, 'values'), 'values').forEach((v, i) => add(checkValue(v, `values[${i}]`), `values[${i}].name`));
  expectList(own(model, 'constants'), 'constants').forEach((c, i) => add(checkConstant(c, `constants[${i}]`), `constants[${i}].name`));
  return byName;
}

/** Graph inputs or outputs: declared values, each listed once, at least one. */
function checkGraphNames(list: unknown, field: 'inputs' | 'outputs', byName: Map<string, TensorInfo>): Set<string> {
  const names = new Set<string>();
  expectNames(list, field).forEach((name, i) => {
    const t = byName.get(name);
    if (!t || t.data !== undefined) fail(`${field}[${i}]`, `'${name}' is not a declared value`);
    if (names.has(name)) fail(`${field}[${i}]`, `'${name}' is listed twice`);
    names.add(name);
  });
  if (names.size === 0) fail(field, `a model needs at least one ${field.slice(0, -1)}`);
  return names;
}

/** How many per-channel entries the checks of a node using tensor `t` may visit. */
function channelEntries(t: TensorInfo | undefined): number {
  if (!t) return 0;
  return (t.quant?.scale.length ?? 0) + (t.dtype === 'int32' && t.data ? t.data.length : 0);
}

/** Walks the nodes in order; returns the set of tensors defined (inputs, constants, node outputs). */
function checkNodes(model: Plain, byName: Map<string, TensorInfo>, inputs: Set<string>): Set<string> {
  const defined = new Set<string>(inputs);
  for (const [name, t] of byName) if (t.data !== undefined) defined.add(name);
  const nodeNames = new Set<string>();
  const lookup = (name: string) => (defined.has(name) ? byName.get(name) : undefined);
  let channelChecks = 0;
  expectList(own(model, 'nodes'), 'nodes').forEach((raw, i) => {
    const field = `nodes[${i}]`;
    const node = checkNodeFields(raw, field);
    if (nodeNames.has(node.name)) fail(`${field}.name`, `duplicate node name '${node.name}'`);
    nodeNames.add(node.name);
    const outputs = node.outputs.map((name, j) => {
      const t = byName.get(name);
      if (!t || t.data !== undefined) fail(`${field}.outputs[${j}]`, `'${name}' is not a declared value`);
      if (defined.has(name)) fail(`${field}.outputs[${j}]`, `'${name}' is already defined (a graph input or an earlier node's output)`);
      if (node.outputs.indexOf(name) !== j) fail(`${field}.outputs[${j}]`, `'${name}' is listed twice`);
      return t;
    });
    for (const name of node.inputs) channelChecks += channelEntries(byName.get(name));
    if (channelChecks > limits().maxChannelChecks) {
      fail(`${field}.inputs`, `the nodes so far use ${channelChecks} per-channel entries in total, more than the limit ${limits().maxChannelChecks}`);
    }
    checkNode(node, field, lookup, outputs);
    for (const name of node.outputs) defined.add(name);
  });
  return defined;
}

/**
 * Checks a whole model and throws an IntModelError naming the first problem: the structure and
 * types of every field; names unique; every value a graph input or the output of exactly one node;
 * nodes in topological order with known ops, right arity, dtypes, attributes and shapes (inferred vs
 * declared); graph outputs produced; constant data of the right length with codes inside their grid;
 * scales normal float32 > 0; zero points inside the grid; per-channel lengths matching their axis;
 * multipliers normal float32; accumulators that fit int32; size caps (LIMITS).
 */
export function validateModel(model: unknown, options: ValidateOptions = {}): asserts model is IntModel {
  withLimits(options.limits, () => checkModel(model));
}

export interface ValidateOptions {
  /** Tighter size caps than LIMITS, e.g. for a browser. */
  readonly limits?: Partial<Limits>;
}

function checkModel(model: unknown): void {
  const m = expectObject(model, 'model', MODEL_KEYS);
  if (own(m, 'version') !== INT_MODEL_VERSION) {
    fail('version', `this reader understands IntModel version ${INT_MODEL_VERSION}, got ${describeValue(own(m, 'version'))}`);
  }
  const metadata = own(m, 'metadata');
  if (metadata !== undefined) checkMetadata(metadata, 'metadata');
  const byName = declare(m);
  const inputs = checkGraphNames(own(m, 'inputs'), 'inputs', byName);
  const defined = checkNodes(m, byName, inputs);
  (own(m, 'values') as readonly ValueDecl[]).forEach((v, i) => {
    if (!defined.has(v.name)) fail(`values[${i}]`, `'${v.name}' is declared but is neither a graph input nor produced by a node`);
  });
  checkGraphNames(own(m, 'outputs'), 'outputs', byName);
}
