import { constantCodes, elementCount, nodeAttrs, type Node, type QuantParams } from '@qatjs/ir';
import type { ExportContext } from '../context.ts';
import { permute } from './layout.ts';

// conv2d, depthwiseConv2d, gemm: DequantizeLinear(x) and DequantizeLinear(integer weights, per-axis
// where per-channel) and DequantizeLinear(int32 bias) into the float op, QuantizeLinear (+ clamp) out.

function codesOf(ctx: ExportContext, name: string): { codes: ArrayLike<number>; shape: readonly number[]; quant: QuantParams } {
  const c = ctx.constant(name);
  if (!c.quant) ctx.fail(`weights '${name}' have no quant params`);
  return { codes: constantCodes(c.dtype, c.data, elementCount(c.shape)), shape: c.shape, quant: c.quant };
}

function biasInputs(ctx: ExportContext, node: Node): string[] {
  return node.inputs[2] === undefined ? [] : [ctx.bias(node.inputs[2])];
}

function windowAttrs(kernel: readonly number[], a: { strides: readonly number[]; dilations: readonly number[]; pads: readonly number[] }) {
  // ONNX pads are [x1_begin, x2_begin, x1_end, x2_end] = the IR's [top, left, bottom, right]
  return { kernel_shape: [...kernel], strides: [...a.strides], dilations: [...a.dilations], pads: [...a.pads] };
}

/** conv2d: HWIO weights [KH, KW, Cin/G, Cout] -> ONNX OIHW, per-channel axis 3 -> 0. */
export function exportConv2d(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'conv2d');
  const w = codesOf(ctx, node.inputs[1]);
  const { codes, dims } = permute(w.codes, w.shape, [3, 2, 0, 1]);
  const wf = ctx.weight(node.inputs[1], { codes, dims, quant: w.quant, axis: 0 });
  const y = ctx.emit('Conv', [ctx.float(node.inputs[0], 'nchw'), wf, ...biasInputs(ctx, node)], { ...windowAttrs([w.shape[0], w.shape[1]], a), group: a.groups });
  ctx.quantized(node.outputs[0], y, 'nchw', a.clamp);
}

/**
 * depthwiseConv2d: weights [KH, KW, C, M] -> a grouped Conv (group C) with weights [C*M, 1, KH, KW]
 * (output channel c*M + m, tfjs's order); per-channel params (one per input channel c) repeat M times.
 */
export function exportDepthwiseConv2d(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'depthwiseConv2d');
  const w = codesOf(ctx, node.inputs[1]);
  const [kh, kw, c, m] = w.shape;
  const { codes } = permute(w.codes, w.shape, [2, 3, 0, 1]);
  const repeat = <T extends Float32Array | Int32Array>(v: T, make: (n: number) => T): T => {
    if (v.length === 1) return v;
    const out = make(c * m);
    for (let o = 0; o < c * m; o++) out[o] = v[Math.floor(o / m)];
    return out;
  };
  const quant: QuantParams = {
    bits: w.quant.bits,
    scale: repeat(w.quant.scale, (n) => new Float32Array(n)),
    zeroPoint: repeat(w.quant.zeroPoint, (n) => new Int32Array(n)),
  };
  const wf = ctx.weight(node.inputs[1], { codes, dims: [c * m, 1, kh, kw], quant, axis: 0 });
  const y = ctx.emit('Conv', [ctx.float(node.inputs[0], 'nchw'), wf, ...biasInputs(ctx, node)], { ...windowAttrs([kh, kw], a), group: c });
  ctx.quantized(node.outputs[0], y, 'nchw', a.clamp);
}

/** gemm: x [..., K] times weights [K, N] (per-channel axis 1): Gemm for rank 2, MatMul + Add above. */
export function exportGemm(node: Node, ctx: ExportContext): void {
  const a = nodeAttrs(node, 'gemm');
  const w = codesOf(ctx, node.inputs[1]);
  const wf = ctx.weight(node.inputs[1], { codes: w.codes, dims: w.shape, quant: w.quant, axis: 1 });
  const x = ctx.float(node.inputs[0], 'ir');
  const bias = biasInputs(ctx, node);
  let y: string;
  if (ctx.decl(node.inputs[0]).shape.length === 2) {
    y = ctx.emit('Gemm', [x, wf, ...bias]);
  } else {
    y = ctx.emit('MatMul', [x, wf]);
    if (bias.length > 0) y = ctx.emit('Add', [y, bias[0]]);
  }
  ctx.quantized(node.outputs[0], y, 'ir', a.clamp);
}
