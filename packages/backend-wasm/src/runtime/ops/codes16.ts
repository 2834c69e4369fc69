// int16 codes outside the recurrent ops: a 16-bit residual stream (docs/numerics.md, "16-bit residual
// stream"). quantize onto an int16 grid, dequantize of int16 codes, and add with any mix of int8 /
// uint8 / int16 inputs and outputs. Scalar loops over the heap views with @qatjs/ir's scalar functions
// (quantizeValue, dequantizeValue, addQuantized), so they equal the reference interpreter code for
// code. The residual stream is [B, T, D]: O(B·T·D) beside the O(B·T·D²) gemms around it.
import { addQuantized, dequantizeValue, quantizeValue, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import { stridesOf } from '../../ops/broadcast.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple } from './common.ts';

type Codes = WasmTensor<'int8'> | WasmTensor<'int16'>;
type F32T = WasmTensor<'float32'>;

/** True when any input or output of the node is stored as int16 codes. */
export function touchesInt16(ctx: RuntimeOpContext, node: Node): boolean {
  return [...node.inputs, ...node.outputs].some((n) => ctx.value(n).storage.dtype === 'int16');
}

/** quantize to an int16 grid: y = quantizeValue(x, s_y, z_y, qmin, qmax). */
export function quantize16Step(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const q = ctx.quant(node.outputs[0]);
  const grid = ctx.value(node.outputs[0]).storage.grid as { min: number; max: number };
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as F32T, outputs[0] as Codes];
    if (x.dtype !== 'float32' || y.dtype !== 'int16' || x.size !== y.size) throw new BackendWasmError(`quantize '${node.name}': x float32 and y int16 of one size`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let i = 0; i < xv.length; i++) yv[i] = quantizeValue(xv[i], q.scale, q.zeroPoint, grid.min, grid.max);
    };
  });
}

/** dequantize of int16 codes: y = dequantizeValue(x, s_x, z_x). */
export function dequantize16Step(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const q = ctx.quant(node.inputs[0]);
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as Codes, outputs[0] as F32T];
    if (x.dtype !== 'int16' || y.dtype !== 'float32' || x.size !== y.size) throw new BackendWasmError(`dequantize '${node.name}': x int16 and y float32 of one size`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let i = 0; i < xv.length; i++) yv[i] = dequantizeValue(xv[i], q.scale, q.zeroPoint);
    };
  });
}

/** Element i of `out` reads element idx[i] of an operand of `shape` (numpy broadcasting, right-aligned). */
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array | undefined {
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return undefined;
  const rank = out.length;
  const strides = stridesOf(shape, out);
  const size = out.reduce((p, d) => p * d, 1);
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let rest = i;
    let at = 0;
    for (let k = rank - 1; k >= 0; k--) {
      at += (rest % out[k]) * strides[k];
      rest = Math.floor(rest / out[k]);
    }
    idx[i] = at;
  }
  return idx;
}

/** add where an input or the output is int16: addQuantized per element with the node's clamp, numpy broadcasting. */
export function add16Step(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const clamp = node.attrs.clamp as readonly number[] | undefined;
  if (!clamp) throw new BackendWasmError(`add '${node.name}': a quantized add needs its clamp`);
  const [qa, qb, qy] = [ctx.quant(node.inputs[0]), ctx.quant(node.inputs[1]), ctx.quant(node.outputs[0])];
  const { min, max } = ctx.clamp(clamp, node.outputs[0]);
  return simple((inputs, outputs) => {
    const [a, b, y] = [inputs[0] as Codes, inputs[1] as Codes, outputs[0] as Codes];
    for (const t of [a, b, y] as WasmTensor[]) if (t.dtype !== 'int8' && t.dtype !== 'int16') throw new BackendWasmError(`add '${node.name}': codes (int8, int16) expected, got ${t.dtype}`);
    const ia = broadcastIndex(a.shape, y.shape);
    const ib = broadcastIndex(b.shape, y.shape);
    return () => {
      const [av, bv, yv] = [a.view(), b.view(), y.view()];
      for (let i = 0; i < yv.length; i++) {
        yv[i] = addQuantized(av[ia ? ia[i] : i], qa.zeroPoint, qa.scale, bv[ib ? ib[i] : i], qb.zeroPoint, qb.scale, qy.scale, qy.zeroPoint, min, max);
      }
    };
  });
}
