import { describeValue } from '@qatjs/core';
import type { Node } from '@qatjs/ir';
import type { ExportContext } from './context.ts';
import { OnnxExportError } from './errors.ts';
import { exportAdd, exportDequantize, exportMul, exportQuantize, floatUnary } from './ops/elementwise.ts';
import { exportAvgPool, exportGlobalAvgPool, exportMaxPool } from './ops/pools.ts';
import { exportFlatten, exportMatmul, exportReshape } from './ops/reshape.ts';
import { exportGru } from './ops/recurrent/gru.ts';
import { exportLstm } from './ops/recurrent/lstm.ts';
import { exportConcat, exportEmbedding } from './ops/sequence.ts';
import { exportGelu, exportLayerNorm, exportPositionalAdd, exportSoftmax, exportTranspose, refuseIntegerOnly } from './ops/transformer.ts';
import { exportConv2d, exportDepthwiseConv2d, exportGemm } from './ops/weighted.ts';

/**
 * Writes one IR op as its QDQ subgraph: reads the node's inputs through `ctx` (float views,
 * weights, biases), adds ONNX nodes with `ctx.emit`, and defines every output of the node with
 * `ctx.quantized` or `ctx.floatOutput`. It refuses (ctx.fail) any attribute or input it cannot map
 * exactly. An adapter that registers an IR op (lstm, gru, layerNorm, softmax...) registers its
 * exporter here, with no edit of this package.
 */
export type OnnxOpExporter = (node: Node, ctx: ExportContext) => void;

// The IR's built-in ops (the CNN slice, the float ops and the sequence ops embedding, concat, lstm,
// gru) and the transformer ops (positionalAdd, layerNorm, softmax, gelu, transpose).
const BUILTIN: ReadonlyArray<[string, OnnxOpExporter]> = [
  ['quantize', exportQuantize],
  ['dequantize', exportDequantize],
  ['conv2d', exportConv2d],
  ['depthwiseConv2d', exportDepthwiseConv2d],
  ['gemm', exportGemm],
  ['matmul', exportMatmul],
  ['add', exportAdd],
  ['mul', exportMul],
  ['maxPool', exportMaxPool],
  ['avgPool', exportAvgPool],
  ['globalAvgPool', exportGlobalAvgPool],
  ['flatten', exportFlatten],
  ['reshape', exportReshape],
  ['sigmoid', floatUnary('Sigmoid')],
  ['tanh', floatUnary('Tanh')],
  ['exp', floatUnary('Exp')],
  ['embedding', exportEmbedding],
  ['concat', exportConcat],
  ['lstm', exportLstm],
  ['gru', exportGru],
  ['positionalAdd', exportPositionalAdd],
  ['layerNorm', exportLayerNorm],
  ['softmax', exportSoftmax],
  ['gelu', exportGelu],
  ['transpose', exportTranspose],
  ['iGelu', refuseIntegerOnly],
  ['iSoftmax', refuseIntegerOnly],
  ['iLayerNorm', refuseIntegerOnly],
];

const registry = new Map<string, OnnxOpExporter>(BUILTIN);

/** Registers the exporter of IR op `op`. One per op: registering an op twice is an error. */
export function registerOnnxOp(op: string, exporter: OnnxOpExporter): void {
  if (typeof op !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(op)) throw new OnnxExportError(`registerOnnxOp: op must be an IR op name, got ${describeValue(op)}`);
  if (typeof exporter !== 'function') throw new OnnxExportError(`registerOnnxOp: the exporter of '${op}' must be a function, got ${describeValue(exporter)}`);
  if (registry.has(op)) throw new OnnxExportError(`registerOnnxOp: op '${op}' already has an ONNX exporter`);
  registry.set(op, exporter);
}

/** The exporter of IR op `op`, or undefined. */
export function getOnnxOp(op: string): OnnxOpExporter | undefined {
  return registry.get(op);
}

/** The IR ops that have an ONNX exporter. */
export function listOnnxOps(): string[] {
  return [...registry.keys()];
}
