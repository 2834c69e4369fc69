import { IntModelError } from '../../errors.ts';
import { requantMultiplier, roundHalfEven } from '../../numerics.ts';
import { constantCodes } from '../../packing.ts';
import { codeRange } from '../../dtype.ts';
import { quantRange } from '../../quant.ts';
import { elementCount } from '../../shape.ts';
import type { Node, QuantParams } from '../../types.ts';
import { channelScale, quantOf, type ReferenceOutput, type ReferenceTensor } from '../tensor.ts';

// What the lstm and gru references share: sizes, weight codes, int32 accumulators and the per-row
// multipliers of ops/lstm.ts and ops/gru.ts.

const f32 = Math.fround;

export interface RecurrentSizes {
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly hidden: number;
}

/** Sizes of x [B, T, I] and U [H, G*H]; refuses T > maxSteps, naming both. */
export function recurrentSizes(node: Node, x: ReferenceTensor, u: ReferenceTensor, maxSteps: number): RecurrentSizes {
  const [batch, steps, inputSize] = x.shape;
  if (steps > maxSteps) {
    throw new IntModelError(`${node.name}.x`, `${node.op} '${node.name}': the sequence has T = ${steps} steps, more than maxSteps = ${maxSteps}`);
  }
  return { batch, steps, inputSize, hidden: u.shape[0] };
}

/** Weight codes as one array (int4 unpacked). */
export function codesOf(w: ReferenceTensor): Int8Array | Uint8Array | Int16Array {
  return constantCodes(w.dtype, w.data, elementCount(w.shape));
}

/** acc[n] = bias[n] + sum_k (a[k] - za) * w[k, n] over `depth` rows of a [depth, cols] weight, into `out`. */
export function accumulate(a: ArrayLike<number>, offset: number, za: number, w: ArrayLike<number>, depth: number, cols: number, bias: ArrayLike<number> | undefined, out: Int32Array): void {
  for (let n = 0; n < cols; n++) {
    let acc = bias === undefined ? 0 : bias[n];
    for (let k = 0; k < depth; k++) acc += (a[offset + k] - za) * w[k * cols + n];
    out[n] = acc;
  }
}

/** requantMultiplier(sIn, s_w[n], s_g[n]) for each of `rows` gate rows. */
export function rowMultipliers(sIn: number, w: QuantParams, g: QuantParams, rows: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, n) => requantMultiplier(sIn, channelScale(w, n), channelScale(g, n)));
}

/** fround(fround(acc) * m): an int32 accumulator scaled in float32. */
export function scaled(acc: number, m: number): number {
  return f32(f32(acc) * m);
}

/** clamp(roundHalfEven(v), lo, hi) */
export function clampRound(v: number, lo: number, hi: number): number {
  const r = roundHalfEven(v);
  return r < lo ? lo : r > hi ? hi : r;
}

/** The hidden grid: y's scale, zero point and code range. */
export function hiddenGrid(y: ReferenceOutput): { s: number; z: number; lo: number; hi: number } {
  const q = quantOf(y);
  const { qmin, qmax } = quantRange(y.dtype, q);
  return { s: q.scale[0], z: q.zeroPoint[0], lo: qmin, hi: qmax };
}

/** The grid of a gate (symmetric, signed `bits`). */
export function gateLimits(g: QuantParams): { lo: number; hi: number } {
  const { qmin, qmax } = codeRange(g.bits, true);
  return { lo: qmin, hi: qmax };
}

/** Time index of loop step s: s, or T - 1 - s when reverse. */
export function timeOf(s: number, steps: number, reverse: boolean): number {
  return reverse ? steps - 1 - s : s;
}
