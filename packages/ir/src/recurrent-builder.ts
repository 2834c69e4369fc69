// The GraphBuilder side of the recurrent ops (ops/lstm.ts, ops/gru.ts): QuantParams in, the ops'
// attrs out; a zero int32 bias where a later positional input (h0, c0) needs one before it.
import { fail } from './errors.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { biasQuant } from './quant.ts';
import type { AttrValue, QuantParams } from './types.ts';

/** The hidden state's grid: y and hT (and h0) are int8/uint8 on it. */
export interface HiddenOutput {
  readonly dtype: 'int8' | 'uint8';
  readonly quant: QuantParams;
}

export interface LstmOptions {
  /** int32 [4H] constant, scale fround(s_x * s_W[n]), zero point 0 (biasQuant). */
  readonly bias?: string;
  /** int8/uint8 [B, H] value on the hidden grid; absent = all z_h (0.0). */
  readonly h0?: string;
  /** int16 [B, H] value on the cell grid; absent = 0. Needs h0. */
  readonly c0?: string;
  /** The gate pre-activation grid: bits 2..16, zero points 0, one scale or 4H (gate order i, f, g, o). */
  readonly gates: QuantParams;
  /** Process t = T-1 .. 0 (y stays in time order). Default false. */
  readonly reverse?: boolean;
  /** Runs with T > maxSteps are refused. Default: x's T when static; required when T is a run-time size. */
  readonly maxSteps?: number;
}

export interface LstmOutputOptions {
  readonly hidden: HiddenOutput;
  /** The cell state's grid: int16 storage, bits 2..16, per-tensor, zero point 0. */
  readonly cell: QuantParams;
  /** Value names; default `lstm_<n>` and so on. */
  readonly names?: { readonly y?: string; readonly hT?: string; readonly cT?: string };
}

export interface LstmOutputs {
  readonly y: string;
  readonly hT: string;
  readonly cT: string;
}

export interface GruOptions {
  /** int32 [3H], scale fround(s_x * s_W[n]). */
  readonly biasX?: string;
  /** int32 [3H], scale fround(s_h * s_U[n]). */
  readonly biasH?: string;
  /** int8/uint8 [B, H] on the hidden grid; absent = all z_h. */
  readonly h0?: string;
  /** Grid of the x-projection px (bits 2..16, zero points 0, one scale or 3H; order z, r, n). */
  readonly inputGates: QuantParams;
  /** Grid of the h-projection ph. */
  readonly recurrentGates: QuantParams;
  readonly reverse?: boolean;
  readonly maxSteps?: number;
}

export interface GruOutputOptions {
  readonly hidden: HiddenOutput;
  readonly names?: { readonly y?: string; readonly hT?: string };
}

export interface GruOutputs {
  readonly y: string;
  readonly hT: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A gate grid as the attrs `<prefix>Scales` and `<prefix>Bits` (symmetric: zero points 0). */
export function gateAttrs(q: QuantParams, prefix: string, field: string): Record<string, AttrValue> {
  if (!isObject(q) || !(q.scale instanceof Float32Array) || !(q.zeroPoint instanceof Int32Array)) {
    fail(field, 'must be QuantParams { scale: Float32Array, zeroPoint: Int32Array, bits }');
  }
  const z = q.zeroPoint.findIndex((v) => v !== 0);
  if (z >= 0) fail(`${field}.zeroPoint[${z}]`, `gate grids are symmetric (zero point 0), got ${q.zeroPoint[z]}`);
  return { [`${prefix}Scales`]: [...q.scale], [`${prefix}Bits`]: q.bits };
}

/** maxSteps as given, or x's static T. */
export function maxStepsFor(builder: GraphBuilder, x: string, given: number | undefined, op: string): number {
  if (given !== undefined) return given;
  const steps = builder.info(x).shape[1];
  if (steps === undefined || steps < 0) fail(`${op}.maxSteps`, `x '${x}' has a run-time sequence length: give maxSteps`);
  return steps;
}

/** The bias as given, or (when a later positional input needs a slot) a zero bias constant. */
export function biasOrZero(builder: GraphBuilder, given: string | undefined, needed: boolean, input: string, weights: string, rows: number, name: string): string | undefined {
  if (given !== undefined || !needed) return given;
  const quant = biasQuant(builder.info(input).quant as QuantParams, builder.info(weights).quant as QuantParams, rows);
  return builder.constant({ name, dtype: 'int32', shape: [rows], quant, data: new Int32Array(rows) });
}

/** Options must be an object; the output options must carry the hidden grid. */
export function checkRecurrentArgs(options: unknown, out: unknown, op: string): void {
  if (!isObject(options)) fail(`${op}.options`, 'must be an object');
  if (!isObject(out) || !isObject(out.hidden)) fail(`${op}.out`, 'must be { hidden: { dtype, quant }, ... }');
}
