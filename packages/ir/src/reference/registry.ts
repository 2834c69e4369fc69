import { IntModelError } from '../errors.ts';
import { getOpSchema } from '../ops/registry.ts';
import type { ReferenceKernel } from './tensor.ts';
import { quantizeReference } from './ops/quantize.ts';
import { dequantizeReference } from './ops/dequantize.ts';
import { conv2dReference } from './ops/conv2d.ts';
import { depthwiseConv2dReference } from './ops/depthwise-conv2d.ts';
import { gemmReference } from './ops/gemm.ts';
import { matmulReference } from './ops/matmul.ts';
import { addReference } from './ops/add.ts';
import { maxPoolReference } from './ops/max-pool.ts';
import { avgPoolReference } from './ops/avg-pool.ts';
import { globalAvgPoolReference } from './ops/global-avg-pool.ts';
import { copyReference } from './ops/copy.ts';
import { mulReference } from './ops/mul.ts';
import { sigmoidReference } from './ops/sigmoid.ts';
import { tanhReference } from './ops/tanh.ts';
import { expReference } from './ops/exp.ts';
import { embeddingReference } from './ops/embedding.ts';
import { lstmReference } from './ops/lstm.ts';
import { gruReference } from './ops/gru.ts';
import { concatReference } from './ops/concat.ts';
import { layerNormReference } from './ops/layer-norm.ts';
import { softmaxReference } from './ops/softmax.ts';
import { geluReference } from './ops/gelu.ts';
import { transposeReference } from './ops/transpose.ts';
import { positionalAddReference } from './ops/positional-add.ts';
import { iGeluReference, iLayerNormReference, iSoftmaxReference } from './ops/integer-only.ts';

// Reference kernels by op name, beside the op schemas (ops/registry.ts). The CNN slice is built in;
// a package that registers an op with registerOp adds its reference with registerReferenceOp.

const kernels = new Map<string, ReferenceKernel>([
  ['quantize', quantizeReference],
  ['dequantize', dequantizeReference],
  ['conv2d', conv2dReference],
  ['depthwiseConv2d', depthwiseConv2dReference],
  ['gemm', gemmReference],
  ['matmul', matmulReference],
  ['add', addReference],
  ['maxPool', maxPoolReference],
  ['avgPool', avgPoolReference],
  ['globalAvgPool', globalAvgPoolReference],
  ['reshape', copyReference],
  ['flatten', copyReference],
  ['mul', mulReference],
  ['sigmoid', sigmoidReference],
  ['tanh', tanhReference],
  ['exp', expReference],
  ['embedding', embeddingReference],
  ['lstm', lstmReference],
  ['gru', gruReference],
  ['concat', concatReference],
  ['layerNorm', layerNormReference],
  ['softmax', softmaxReference],
  ['gelu', geluReference],
  ['transpose', transposeReference],
  ['positionalAdd', positionalAddReference],
  ['iGelu', iGeluReference],
  ['iSoftmax', iSoftmaxReference],
  ['iLayerNorm', iLayerNormReference],
]);

/**
 * Adds the reference implementation of an op. The op's schema must be registered first (registerOp),
 * and an op has one reference: registering a name twice is an error, built-ins included.
 */
export function registerReferenceOp(op: string, kernel: ReferenceKernel): void {
  if (typeof op !== 'string' || getOpSchema(op) === undefined) {
    throw new IntModelError('op', `no op schema named ${JSON.stringify(op)}: register it with registerOp before its reference`);
  }
  if (typeof kernel !== 'function') throw new IntModelError('kernel', `the reference of op '${op}' must be a function`);
  if (kernels.has(op)) throw new IntModelError('op', `op '${op}' already has a reference implementation`);
  kernels.set(op, kernel);
}

/** The reference implementation of `op`, or undefined when none is registered. */
export function getReferenceOp(op: string): ReferenceKernel | undefined {
  return kernels.get(op);
}

/** The ops that have a reference implementation. */
export function listReferenceOps(): string[] {
  return [...kernels.keys()];
}
