// What the lstm and gru runtime builders share: the weight codes, the per-row multipliers, the
// node's value tensors (constants left out) and the checks bind() makes once per plan.
import { constantCodes, elementCount, requantMultiplier, type Constant, type Node, type QuantParams } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext } from '../registry.ts';

/** Signed weight codes (int4 unpacked). */
export function weightCodes(c: Constant): Int8Array {
  const codes = constantCodes(c.dtype, c.data, elementCount(c.shape));
  if (!(codes instanceof Int8Array)) throw new BackendWasmError(`constant '${c.name}': recurrent weights must be int8 or int4, got ${c.dtype}`);
  return codes;
}

/** requantMultiplier(sIn, s_w[n], s_g[n]) for n < rows. */
export function multipliers(sIn: number, w: QuantParams, g: QuantParams, rows: number): Float32Array {
  const at = (q: QuantParams, n: number) => q.scale[q.scale.length === 1 ? 0 : n];
  return Float32Array.from({ length: rows }, (_, n) => requantMultiplier(sIn, at(w, n), at(g, n)));
}

/** A gate grid's scales expanded to `rows`. */
export function gateScales(g: QuantParams, rows: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, n) => g.scale[g.scale.length === 1 ? 0 : n]);
}

/** The int32 bias at node input `i`, if the node has one. */
export function optionalBias(ctx: RuntimeOpContext, node: Node, i: number): Int32Array | undefined {
  const name = node.inputs[i];
  return name === undefined ? undefined : (ctx.constant(name).data as Int32Array);
}

/** Sizes of a bound node: x [B, T, I]; refuses T > maxSteps, naming both. */
export function boundSizes(node: Node, x: WasmTensor, maxSteps: number, inputSize: number): { batch: number; steps: number } {
  const [batch, steps, i] = x.shape;
  if (x.dtype !== 'int8' || x.shape.length !== 3 || i !== inputSize) throw new BackendWasmError(`${node.op} '${node.name}': x must be int8 [B, T, ${inputSize}], got ${x.dtype} [${x.shape}]`);
  if (steps > maxSteps) throw new BackendWasmError(`run(): ${node.op} '${node.name}': the sequence has T = ${steps} steps, more than maxSteps = ${maxSteps}`);
  return { batch, steps };
}
