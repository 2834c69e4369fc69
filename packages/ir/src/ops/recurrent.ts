import { codeRange } from '../dtype.ts';
import { LIMITS } from '../limits.ts';
import { MIN_NORMAL_FLOAT32, requantMultiplier } from '../numerics.ts';
import { sameQuant } from '../quant.ts';
import { formatShape } from '../shape.ts';
import type { QuantParams } from '../types.ts';
import type { AttrSpec, InputSpec, OpContext, TensorInfo } from './schema.ts';
import { attrFloats, attrInt, input } from './schema.ts';
import { INT_ACTIVATIONS, checkAccumulator, checkBias, q } from './common.ts';

// What the recurrent ops (lstm, gru) share: x [B, T, I], symmetric weights W [I, G*H] and
// U [H, G*H], the hidden state h [B, H] on the grid of output y, 16-bit gate grids given as attrs.

export const RECURRENT_WEIGHT_DTYPES = ['int8', 'int4'] as const;

/** x, W, U: the inputs every recurrent op starts with. */
export const RECURRENT_INPUTS: readonly InputSpec[] = [
  { name: 'x', kind: 'activation', dtypes: INT_ACTIVATIONS },
  { name: 'W', kind: 'constant', dtypes: RECURRENT_WEIGHT_DTYPES },
  { name: 'U', kind: 'constant', dtypes: RECURRENT_WEIGHT_DTYPES },
];

/** A 16-bit gate grid as attrs: one scale (per-tensor) or one per gate row n of G*H, and its bits. */
export const GATE_SCALES: AttrSpec = { kind: 'floats', minLength: 1, maxLength: LIMITS.maxListLength, min: MIN_NORMAL_FLOAT32, max: 3.4e38 };
export const GATE_BITS: AttrSpec = { kind: 'int', min: 2, max: 16 };
export const REVERSE: AttrSpec = { kind: 'bool', default: false };
export const MAX_STEPS: AttrSpec = { kind: 'int', min: 1, max: 2 ** 31 - 1 };

/** The gate grid `prefix`Scales / `prefix`Bits of a node as QuantParams (int16, zero points 0). */
export function gateQuant(scales: readonly number[], bits: number): QuantParams {
  const scale = Float32Array.from(scales);
  return { scale, zeroPoint: new Int32Array(scale.length), bits, ...(scale.length > 1 ? { axis: 0 } : {}) };
}

/** Sizes of a recurrent node: batch B and steps T (either may be a run-time size), I, H. */
export interface RecurrentDims {
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly hidden: number;
}

function checkSymmetricWeights(ctx: OpContext, i: number, rows: number, cols: number): void {
  const w = input(ctx, i);
  const wq = q(w);
  if (w.shape.length !== 2 || w.shape[0] !== rows || w.shape[1] !== cols) {
    ctx.fail(`inputs[${i}]`, `weights '${w.name}' must have shape [${rows}, ${cols}], got ${formatShape(w.shape)}`);
  }
  if (wq.axis !== undefined && wq.axis !== 1) ctx.fail(`inputs[${i}]`, `per-channel weights '${w.name}' must use axis 1 (one scale per gate row), got axis ${wq.axis}`);
  const z = wq.zeroPoint.findIndex((v) => v !== 0);
  if (z >= 0) ctx.fail(`inputs[${i}]`, `weights '${w.name}' must be symmetric (zero points 0); zero point [${z}] is ${wq.zeroPoint[z]}`);
}

/** x [B, T, I] with static I, W [I, G*H], U [H, G*H]: returns the sizes. */
export function checkRecurrentShapes(ctx: OpContext, gates: number): RecurrentDims {
  const x = input(ctx, 0);
  const u = input(ctx, 2);
  if (x.shape.length !== 3) ctx.fail('inputs[0]', `x '${x.name}' must be rank 3 [B, T, I], got shape ${formatShape(x.shape)}`);
  const [batch, steps, inputSize] = x.shape;
  if (inputSize < 0) ctx.fail('inputs[0]', `x '${x.name}' ${formatShape(x.shape)} must have a static feature size I`);
  if (u.shape.length !== 2 || u.shape[1] % gates !== 0 || u.shape[1] / gates !== u.shape[0]) {
    ctx.fail('inputs[2]', `recurrent weights '${u.name}' must have shape [H, ${gates}H], got ${formatShape(u.shape)}`);
  }
  const hidden = u.shape[0];
  checkSymmetricWeights(ctx, 1, inputSize, gates * hidden);
  checkSymmetricWeights(ctx, 2, hidden, gates * hidden);
  return { batch, steps, inputSize, hidden };
}

/** A gate grid attr pair: scales float32-exact, one or G*H of them; returns it as QuantParams. */
export function checkGateGrid(ctx: OpContext, scalesAttr: string, bitsAttr: string, rows: number): QuantParams {
  const scales = attrFloats(ctx, scalesAttr);
  if (scales.length !== 1 && scales.length !== rows) ctx.fail(`attrs.${scalesAttr}`, `must hold 1 (per-tensor) or ${rows} (per gate row) scales, got ${scales.length}`);
  const bad = scales.findIndex((s) => Math.fround(s) !== s);
  if (bad >= 0) ctx.fail(`attrs.${scalesAttr}`, `scale [${bad}] = ${scales[bad]} is not a float32`);
  return gateQuant(scales, attrInt(ctx, bitsAttr));
}

/** A state input [B, H] (h0 or c0) of `dtype`s with exactly the quant params `want` (the declared output's). */
export function checkState(ctx: OpContext, i: number, dims: RecurrentDims, want: TensorInfo | undefined, what: string): void {
  const s = ctx.inputs[i];
  if (s === undefined) return;
  if (s.shape.length !== 2 || s.shape[0] !== dims.batch || s.shape[1] !== dims.hidden) {
    ctx.fail(`inputs[${i}]`, `${what} '${s.name}' must have shape [${dims.batch}, ${dims.hidden}] (x's batch, H), got ${formatShape(s.shape)}`);
  }
  if (want && (s.dtype !== want.dtype || !sameQuant(s.quant, want.quant))) {
    ctx.fail(`inputs[${i}]`, `${what} '${s.name}' must have the dtype and quant params of output '${want.name}' (${want.dtype})`);
  }
}

/** Outputs 1.. (hT, cT) carry the same dtype and quant as `like` (y for hT). */
export function checkSameGrid(ctx: OpContext, j: number, like: TensorInfo): void {
  const o = (ctx.outputs as readonly TensorInfo[])[j];
  if (o.dtype !== like.dtype || !sameQuant(o.quant, like.quant)) {
    ctx.fail(`outputs[${j}]`, `'${o.name}' must have the dtype and quant params of '${like.name}' (${like.dtype})`);
  }
}

function isNormal(m: number): boolean {
  return m >= MIN_NORMAL_FLOAT32 && m < Infinity;
}

/** requantMultiplier(s_in, s_w[n], s_g[n]) for every gate row n; fails naming the first that is not a normal float32. */
export function gateMultipliers(ctx: OpContext, sIn: number, w: QuantParams, g: QuantParams, rows: number, what: string): Float32Array {
  const m = new Float32Array(rows);
  for (let n = 0; n < rows; n++) {
    const sw = w.scale[w.scale.length === 1 ? 0 : n];
    const sg = g.scale[g.scale.length === 1 ? 0 : n];
    m[n] = requantMultiplier(sIn, sw, sg);
    if (!isNormal(m[n])) ctx.fail('attrs', `${what} multiplier of gate row ${n}, ${sIn} * ${sw} / ${sg} = ${m[n]}, is not a normal float32`);
  }
  return m;
}

/** The int32 accumulators: x.W (+ bias) over I, h.U (+ bias) over H; the bias constants' quant. */
export function checkRecurrentAccumulators(ctx: OpContext, dims: RecurrentDims, rows: number, biasX: number | undefined, biasH: number | undefined, h: TensorInfo | undefined): void {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const u = input(ctx, 2);
  const bx = biasX === undefined ? undefined : ctx.inputs[biasX];
  if (bx) checkBias(ctx, biasX as number, rows, x, w);
  checkAccumulator(ctx, dims.inputSize, x, w, bx);
  if (!h) return;
  const bh = biasH === undefined ? undefined : ctx.inputs[biasH];
  if (bh) checkBias(ctx, biasH as number, rows, h, u);
  checkAccumulator(ctx, dims.hidden, h, u, bh);
}

/** A static T of x must not exceed attr maxSteps. */
export function checkStaticSteps(ctx: OpContext, dims: RecurrentDims): void {
  const maxSteps = attrInt(ctx, 'maxSteps');
  if (dims.steps > 0 && dims.steps > maxSteps) ctx.fail('attrs.maxSteps', `is ${maxSteps}, fewer than the static T = ${dims.steps} of x`);
}

/** The multipliers of both projections (x into grid gx, h into grid gh), once the outputs are declared. */
export function checkProjections(ctx: OpContext, y: TensorInfo, gx: QuantParams, gh: QuantParams, rows: number): void {
  checkSameGrid(ctx, 1, y);
  gateMultipliers(ctx, q(input(ctx, 0)).scale[0], q(input(ctx, 1)), gx, rows, 'x');
  gateMultipliers(ctx, q(y).scale[0], q(input(ctx, 2)), gh, rows, 'h');
}

/** Output shapes: y [B, T, H], then `states` of [B, H]. */
export function recurrentShapes(dims: RecurrentDims, states: number): { shape: number[] }[] {
  return [{ shape: [dims.batch, dims.steps, dims.hidden] }, ...Array.from({ length: states }, () => ({ shape: [dims.batch, dims.hidden] }))];
}

/** The code range of a gate grid (signed, `bits`). */
export function gateRange(g: QuantParams): { qmin: number; qmax: number } {
  return codeRange(g.bits, true);
}
