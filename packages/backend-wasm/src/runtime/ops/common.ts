// What the built-in op builders share: IR pads as the kernels' padding, weights with their
// per-channel quantization, the optional bias.
import { constantCodes, elementCount, type Constant, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { WeightQuantParams } from '../../numerics/qparams.ts';
import type { WindowPadding } from '../../ops/window.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';

export type Int8T = WasmTensor<'int8'>;
export type F32T = WasmTensor<'float32'>;

/** IR pads [top, left, bottom, right] as the kernels' [[top, bottom], [left, right]]. */
export function pads(p: readonly number[]): WindowPadding {
  return [[p[0], p[2]], [p[1], p[3]]];
}

/** Expands per-channel values of `c` channels to `outChannels` (depthwise: output o = c * M + m uses c). */
function expand<T extends Float64Array | Int32Array>(v: ArrayLike<number>, out: T, perInputChannel: number): T {
  for (let o = 0; o < out.length; o++) out[o] = v[v.length === 1 ? 0 : Math.floor(o / perInputChannel)];
  return out;
}

/** Weight codes as int8 (int4/int2 unpacked at load), their scales and zero points per output channel. */
export function weights(c: Constant, outChannels: number, perInputChannel = 1): { codes: Int8Array; quant: WeightQuantParams } {
  const codes = constantCodes(c.dtype, c.data, elementCount(c.shape));
  if (!(codes instanceof Int8Array)) throw new BackendWasmError(`constant '${c.name}': weights must be signed (int8/int4/int2), got ${c.dtype}`);
  const q = c.quant;
  if (!q) throw new BackendWasmError(`constant '${c.name}': quantized weights need quant params`);
  return {
    codes,
    quant: {
      scale: expand(q.scale, new Float64Array(outChannels), perInputChannel),
      zeroPoint: expand(q.zeroPoint, new Int32Array(outChannels), perInputChannel),
    },
  };
}

export function bias(ctx: RuntimeOpContext, node: Node): Int32Array | undefined {
  const name = node.inputs[2];
  return name === undefined ? undefined : (ctx.constant(name).data as Int32Array);
}

/** A step with nothing to free. */
export function simple(bind: RuntimeStep['bind']): RuntimeStep {
  return { bind };
}

/** The stored quant params of a two-input op (add, mul, matmul) and its output clamp. */
export function twoInputParams(ctx: RuntimeOpContext, node: Node, clamp: readonly number[]) {
  return {
    a: ctx.quant(node.inputs[0]),
    b: ctx.quant(node.inputs[1]),
    output: ctx.quant(node.outputs[0]),
    clamp: ctx.clamp(clamp, node.outputs[0]),
  };
}
