// One executable step per IR node: ops with weights are created (and their weights packed) once,
// at session creation; run() then only moves int8 tensors through the kernels.
import {
  constantCodes, elementCount, nodeAttrs,
  type Constant, type IntModel, type Node, type ValueDecl,
} from '@qatjs/ir';
import { BackendWasmError } from '../errors.ts';
import type { WasmKernels } from '../kernels.ts';
import type { WeightQuantParams } from '../numerics/qparams.ts';
import type { Padding } from '../ops/window.ts';
import type { WasmTensor } from '../tensor.ts';
import { bindAdd, bindDequantize, bindQuantize } from '../ops/eltwise.ts';
import { bindMatmul } from '../ops/matmul.ts';
import { bindAvgPool, bindMaxPool } from '../ops/pool.ts';
import { quantOf, storedClamp, type Storage } from './storage.ts';

export interface Step {
  readonly node: Node;
  /** True when the output is the input's bytes under another shape (reshape, flatten). */
  readonly alias: boolean;
  /** Checks these tensors once and returns the computation on them (run many times by a plan). */
  bind(inputs: readonly WasmTensor[], outputs: readonly WasmTensor[]): () => void;
  dispose(): void;
}

/** What a step builder can look up. */
export interface StepContext {
  readonly kernels: WasmKernels;
  value(name: string): { decl: ValueDecl; storage: Storage };
  constant(name: string): Constant;
}

type Int8T = WasmTensor<'int8'>;

function pads(p: readonly number[]): Padding {
  // IR: [top, left, bottom, right]; kernels: [[top, bottom], [left, right]]
  return [[p[0], p[2]], [p[1], p[3]]];
}

/** Weight codes as int8 (int4/int2 unpacked at load) and their scales per output channel. */
function weights(c: Constant, outChannels: number, perInputChannel = 1): { codes: Int8Array; quant: WeightQuantParams } {
  const codes = constantCodes(c.dtype, c.data, elementCount(c.shape));
  if (!(codes instanceof Int8Array)) throw new BackendWasmError(`constant '${c.name}': weights must be signed (int8/int4/int2), got ${c.dtype}`);
  const q = c.quant;
  if (!q) throw new BackendWasmError(`constant '${c.name}': quantized weights need quant params`);
  if (q.scale.length === 1) return { codes, quant: { scale: q.scale[0] } };
  // Depthwise weights carry one scale per input channel; output channel o = c * M + m uses scale c.
  const scale = new Float64Array(outChannels);
  for (let o = 0; o < outChannels; o++) scale[o] = q.scale[Math.floor(o / perInputChannel)];
  return { codes, quant: { scale } };
}

function bias(ctx: StepContext, node: Node): Int32Array | undefined {
  const name = node.inputs[2];
  return name === undefined ? undefined : (ctx.constant(name).data as Int32Array);
}

function simple(node: Node, bind: Step['bind'], alias = false): Step {
  return { node, alias, bind, dispose: () => {} };
}

/** conv2d and depthwiseConv2d: the filter packed once; depthwise weights have a scale per input channel. */
function convStep(ctx: StepContext, node: Node, depthwise: boolean): Step {
  const a = depthwise ? nodeAttrs(node, 'depthwiseConv2d') : nodeAttrs(node, 'conv2d');
  const x = ctx.value(node.inputs[0]).storage;
  const y = ctx.value(node.outputs[0]).storage;
  const w = ctx.constant(node.inputs[1]);
  const [kh, kw, cin, last] = w.shape;
  const { codes, quant } = depthwise ? weights(w, cin * last, last) : weights(w, last);
  const b = bias(ctx, node);
  const spec = {
    filterShape: [kh, kw, cin, last] as const,
    filter: codes, strides: [a.strides[0], a.strides[1]] as const, dilations: [a.dilations[0], a.dilations[1]] as const,
    padding: pads(a.pads), ...(b ? { bias: b } : {}),
    input: quantOf(x, node.name), weight: quant, output: quantOf(y, node.name), clamp: storedClamp(a.clamp, y),
  };
  const op = depthwise ? ctx.kernels.createDepthwiseConv2d(spec) : ctx.kernels.createConv2d({ ...spec, groups: nodeAttrs(node, 'conv2d').groups });
  return { node, alias: false, bind: (i, o) => op.bind(i[0] as Int8T, o[0] as Int8T), dispose: () => op.dispose() };
}

/** The quant params of a two-input op (add, matmul) in stored codes. */
function twoInputParams(ctx: StepContext, node: Node, clamp: readonly number[]) {
  const y = ctx.value(node.outputs[0]).storage;
  return {
    a: quantOf(ctx.value(node.inputs[0]).storage, node.name),
    b: quantOf(ctx.value(node.inputs[1]).storage, node.name),
    output: quantOf(y, node.name),
    clamp: storedClamp(clamp, y),
  };
}

type Builder = (ctx: StepContext, node: Node) => Step;

const BUILDERS: Record<string, Builder> = {
  conv2d: (ctx, node) => convStep(ctx, node, false),
  depthwiseConv2d: (ctx, node) => convStep(ctx, node, true),
  gemm(ctx, node) {
    const a = nodeAttrs(node, 'gemm');
    const x = ctx.value(node.inputs[0]).storage;
    const y = ctx.value(node.outputs[0]).storage;
    const w = ctx.constant(node.inputs[1]);
    const { codes, quant } = weights(w, w.shape[1]);
    const b = bias(ctx, node);
    const op = ctx.kernels.createGemm({
      k: w.shape[0], n: w.shape[1], weights: codes, ...(b ? { bias: b } : {}),
      input: quantOf(x, node.name), weight: quant, output: quantOf(y, node.name), clamp: storedClamp(a.clamp, y),
    });
    return { node, alias: false, bind: (i, o) => op.bind(i[0] as Int8T, o[0] as Int8T), dispose: () => op.dispose() };
  },
  matmul(ctx, node) {
    const params = { ...twoInputParams(ctx, node, nodeAttrs(node, 'matmul').clamp), transposeB: nodeAttrs(node, 'matmul').transposeB };
    return simple(node, (i, o) => bindMatmul(ctx.kernels, i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
  },
  add(ctx, node) {
    const params = twoInputParams(ctx, node, nodeAttrs(node, 'add').clamp);
    return simple(node, (i, o) => bindAdd(ctx.kernels, i[0] as Int8T, i[1] as Int8T, o[0] as Int8T, params));
  },
  maxPool(ctx, node) {
    const a = nodeAttrs(node, 'maxPool');
    const y = ctx.value(node.outputs[0]).storage;
    const params = { window: [a.kernel[0], a.kernel[1]] as const, strides: [a.strides[0], a.strides[1]] as const, padding: pads(a.pads), clamp: storedClamp(a.clamp, y) };
    return simple(node, (i, o) => bindMaxPool(ctx.kernels, i[0] as Int8T, o[0] as Int8T, params));
  },
  avgPool(ctx, node) {
    const a = nodeAttrs(node, 'avgPool');
    const y = ctx.value(node.outputs[0]).storage;
    const params = {
      window: [a.kernel[0], a.kernel[1]] as const, strides: [a.strides[0], a.strides[1]] as const, padding: pads(a.pads),
      input: quantOf(ctx.value(node.inputs[0]).storage, node.name), output: quantOf(y, node.name), clamp: storedClamp(a.clamp, y),
    };
    return simple(node, (i, o) => bindAvgPool(ctx.kernels, i[0] as Int8T, o[0] as Int8T, params));
  },
  globalAvgPool(ctx, node) {
    const a = nodeAttrs(node, 'globalAvgPool');
    const x = ctx.value(node.inputs[0]);
    const y = ctx.value(node.outputs[0]).storage;
    const [, h, w] = x.decl.shape;
    const params = {
      window: [h, w] as const, strides: [1, 1] as const, padding: 'valid' as const,
      input: quantOf(x.storage, node.name), output: quantOf(y, node.name), clamp: storedClamp(a.clamp, y),
    };
    return simple(node, (i, o) => bindAvgPool(ctx.kernels, i[0] as Int8T, o[0].reshaped([o[0].shape[0], 1, 1, o[0].shape[1]]) as Int8T, params));
  },
  quantize(ctx, node) {
    const y = ctx.value(node.outputs[0]).storage;
    const grid = y.grid as { min: number; max: number };
    const q = quantOf(y, node.name);
    return simple(node, (i, o) => bindQuantize(ctx.kernels, i[0] as WasmTensor<'float32'>, o[0] as Int8T, q, grid));
  },
  dequantize(ctx, node) {
    const q = quantOf(ctx.value(node.inputs[0]).storage, node.name);
    return simple(node, (i, o) => bindDequantize(ctx.kernels, i[0] as Int8T, o[0] as WasmTensor<'float32'>, q));
  },
  // reshape and flatten move no bytes: the session hands the output the input's memory.
  reshape: (_ctx, node) => simple(node, () => () => {}, true),
  flatten: (_ctx, node) => simple(node, () => () => {}, true),
};

export function supportedOps(): string[] {
  return Object.keys(BUILDERS);
}

/** Builds every node's step; on failure the steps already built are disposed. */
export function buildSteps(ctx: StepContext, model: IntModel): Step[] {
  const steps: Step[] = [];
  try {
    for (const node of model.nodes) {
      const build = BUILDERS[node.op];
      if (!build) throw new BackendWasmError(`node '${node.name}': the int runtime has no kernel for op '${node.op}' (supported: ${supportedOps().join(', ')})`);
      try {
        steps.push(build(ctx, node));
      } catch (e) {
        if (e instanceof BackendWasmError) throw new BackendWasmError(`node '${node.name}' (${node.op}): ${e.message}`);
        throw e;
      }
    }
    return steps;
  } catch (e) {
    for (const s of steps) s.dispose();
    throw e;
  }
}
