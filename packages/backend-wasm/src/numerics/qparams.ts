// Quantization parameters as the kernels take them, and the numbers derived from them (docs/numerics.md):
// q = clamp(roundHalfEven(acc * (s_in * s_w[c] / s_out)) + zp_out, lo, hi), the multiplier
// computed in float64 and rounded once to float32, the product rounded to float32.
import { activationClamp as irActivationClamp, requantMultiplier as irRequantMultiplier, type FusedActivation } from '@qatjs/ir';
import { checkInt, checkPositiveFinite, fail, perChannel } from '../validate.ts';
import { valueText } from '../errors.ts';

/**
 * Scale and zero point of one int8 tensor (per tensor), as the kernels take them. Scales are used as
 * float32 (rounded on entry, as a model file stores them; @qatjs/ir's requantMultiplier).
 */
export interface TensorQuant {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Weight quantization: per tensor (numbers) or per output channel (arrays). */
export interface WeightQuantParams {
  readonly scale: number | ArrayLike<number>;
  /** Default 0 (symmetric). */
  readonly zeroPoint?: number | ArrayLike<number>;
}

/** Output clamp in int8 codes (a fused ReLU / ReLU6 is a clamp; see kernelClamp). */
export interface CodeClamp {
  readonly min?: number;
  readonly max?: number;
}

export const INT8_MIN = -128;
export const INT8_MAX = 127;
const FLT_MIN = 2 ** -126;

export function checkQuantParams(op: string, name: string, q: TensorQuant | undefined): TensorQuant {
  if (q === null || typeof q !== 'object') fail(op, `${name} must be { scale, zeroPoint }`);
  checkPositiveFinite(op, `${name}.scale`, q.scale);
  checkInt(op, `${name}.zeroPoint`, q.zeroPoint, INT8_MIN, INT8_MAX);
  return q;
}

export function checkClamp(op: string, clamp: CodeClamp | undefined): { lo: number; hi: number } {
  const lo = clamp?.min ?? INT8_MIN;
  const hi = clamp?.max ?? INT8_MAX;
  checkInt(op, 'clamp.min', lo, INT8_MIN, INT8_MAX);
  checkInt(op, 'clamp.max', hi, INT8_MIN, INT8_MAX);
  if (lo > hi) fail(op, `clamp.min ${lo} > clamp.max ${hi}`);
  return { lo, hi };
}


/**
 * The clamp a fused activation means, in int8 output codes: ReLU keeps codes >= the code of 0.0 (the
 * zero point), ReLU6 also <= the code of 6.0. @qatjs/ir's activationClamp (docs/numerics.md) on an
 * 8-bit int8 grid, as the kernels' { min, max }.
 */
export function kernelClamp(activation: FusedActivation, output: TensorQuant): Required<CodeClamp> {
  checkQuantParams('kernelClamp', 'output', output);
  if (activation !== 'none' && activation !== 'relu' && activation !== 'relu6') fail('kernelClamp', `unknown activation '${valueText(activation)}' (none, relu, relu6)`);
  const [min, max] = irActivationClamp(activation, { scale: Float32Array.of(output.scale), zeroPoint: Int32Array.of(output.zeroPoint), bits: 8 });
  return { min, max };
}

/** Float32 multiplier s_in * s_w / s_out (@qatjs/ir's requantMultiplier), checked to be a normal float32 (no denormals). */
export function requantMultiplier(op: string, sIn: number, sW: number, sOut: number): number {
  const m = irRequantMultiplier(sIn, sW, sOut);
  if (!Number.isFinite(m) || m < FLT_MIN) {
    fail(op, `requantization multiplier ${sIn} * ${sW} / ${sOut} is not a normal float32 (${m})`);
  }
  return m;
}

/** Per-channel scales (all > 0) and zero points (integers in int8 range) of `n` channels. */
export function checkWeightQuant(op: string, q: WeightQuantParams | undefined, n: number): { scale: Float64Array; zeroPoint: Int32Array } {
  if (q === null || typeof q !== 'object') fail(op, 'weight must be { scale, zeroPoint? }');
  const scale = perChannel(op, 'weight.scale', q.scale, n);
  scale.forEach((s, c) => checkPositiveFinite(op, `weight.scale[${c}]`, s));
  const zp = perChannel(op, 'weight.zeroPoint', q.zeroPoint ?? 0, n);
  zp.forEach((z, c) => checkInt(op, `weight.zeroPoint[${c}]`, z, INT8_MIN, INT8_MAX));
  return { scale, zeroPoint: Int32Array.from(zp) };
}
