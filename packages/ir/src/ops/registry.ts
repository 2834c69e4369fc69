import { IntModelError } from '../errors.ts';
import type { OpSchema } from './schema.ts';
import { quantize } from './quantize.ts';
import { dequantize } from './dequantize.ts';
import { conv2d } from './conv2d.ts';
import { depthwiseConv2d } from './depthwise-conv2d.ts';
import { gemm } from './gemm.ts';
import { matmul } from './matmul.ts';
import { add } from './add.ts';
import { maxPool } from './max-pool.ts';
import { avgPool } from './avg-pool.ts';
import { globalAvgPool } from './global-avg-pool.ts';
import { reshape } from './reshape.ts';
import { flatten } from './flatten.ts';
import { mul } from './mul.ts';
import { sigmoid } from './sigmoid.ts';
import { tanh } from './tanh.ts';
import { exp } from './exp.ts';
import { embedding } from './embedding.ts';
import { lstm } from './lstm.ts';
import { gru } from './gru.ts';
import { concat } from './concat.ts';
import { layerNorm } from './layer-norm.ts';
import { softmax } from './softmax.ts';
import { gelu } from './gelu.ts';
import { transpose } from './transpose.ts';
import { positionalAdd } from './positional-add.ts';
import { iGelu, iLayerNorm, iSoftmax } from './integer-only.ts';

// Op kinds by name. The CNN slice, the first float32 ops (float add and mul, sigmoid, tanh, exp) and the
// sequence ops (embedding, lstm, gru, concat) and the transformer ops (layerNorm, softmax, gelu,
// transpose, positionalAdd) are built in; other packages add ops with registerOp, one schema file each.

const BUILTIN: readonly OpSchema[] = [
  quantize, dequantize, conv2d, depthwiseConv2d, gemm, matmul, add, maxPool, avgPool, globalAvgPool, reshape, flatten,
  mul, sigmoid, tanh, exp, embedding, lstm, gru, concat, layerNorm, softmax, gelu, transpose, positionalAdd,
  iGelu, iSoftmax, iLayerNorm,
];

const registry = new Map<string, OpSchema>(BUILTIN.map((s) => [s.op, s]));

/** The schema of `op`, or undefined when no op of that name is registered. */
export function getOpSchema(op: string): OpSchema | undefined {
  return registry.get(op);
}

export function listOps(): string[] {
  return [...registry.keys()];
}

/** Adds an op kind. Names are unique: registering a name twice is an error, built-ins included. */
export function registerOp(schema: OpSchema): void {
  if (schema === null || typeof schema !== 'object' || typeof schema.op !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(schema.op)) {
    throw new IntModelError('schema.op', 'an op schema needs a name of letters, digits and _ (starting with a letter)');
  }
  if (typeof schema.infer !== 'function') throw new IntModelError('schema.infer', `op '${schema.op}' needs an infer function`);
  checkAttrSpecs(schema);
  if (registry.has(schema.op)) throw new IntModelError('schema.op', `op '${schema.op}' is already registered`);
  registry.set(schema.op, schema);
}

const KINDS = ['int', 'ints', 'bool', 'float', 'floats', 'string', 'clamp'];

/** A registered schema's attribute specs are well formed, so validation can trust them. */
function checkAttrSpecs(schema: OpSchema): void {
  if (schema.attrs === null || typeof schema.attrs !== 'object') throw new IntModelError('schema.attrs', `op '${schema.op}' needs an attrs object`);
  for (const [key, spec] of Object.entries(schema.attrs)) {
    const field = `schema.attrs.${key}`;
    if (spec === null || typeof spec !== 'object' || !KINDS.includes(spec.kind)) {
      throw new IntModelError(field, `must be an attribute spec of kind ${KINDS.join(', ')}`);
    }
    if ((spec.kind === 'float' || spec.kind === 'floats') && !(Number.isFinite(spec.min) && Number.isFinite(spec.max) && spec.min <= spec.max)) {
      throw new IntModelError(field, 'a float attribute needs finite min <= max');
    }
    if (spec.kind === 'string' && !(Array.isArray(spec.values) && spec.values.length > 0 && spec.values.every((v) => typeof v === 'string'))) {
      throw new IntModelError(field, 'a string attribute needs a non-empty list of allowed values');
    }
  }
}
