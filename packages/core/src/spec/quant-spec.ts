import { QatjsError, describeValue } from '../util/errors.ts';

/**
 * What integer grid a tensor is quantized to. `axis` set means per-channel (one scale and zero point
 * per index along that axis). Bits 2..8 run on the integer runtime; 2..16 are allowed for simulation.
 */
export interface QuantSpec {
  readonly bits: number;
  readonly signed: boolean;
  /** Symmetric: the zero point is 0. Affine (not symmetric): a zero point is chosen from the range. */
  readonly symmetric: boolean;
  /**
   * Signed only: drop the most negative code, so the grid is -(2^(b-1)-1)..2^(b-1)-1 and symmetric
   * around zero (TFLite's int8 weights).
   */
  readonly narrowRange?: boolean;
  /** Per-channel axis; undefined for per-tensor. */
  readonly axis?: number;
}

export interface QRange {
  readonly qmin: number;
  readonly qmax: number;
}

export const MIN_BITS = 2;
export const MAX_BITS = 16;
/** The integer runtime's int8 ops (gemm, conv, matmul, the float ops' quantize) hold at most 8-bit codes. */
export const MAX_INT_RUNTIME_BITS = 8;
/** Activations held as int16 codes (a 16-bit residual stream: add, positionalAdd) have at most 16 bits. */
export const MAX_WIDE_ACTIVATION_BITS = 16;

/** The integer range of a spec: signed [-2^(b-1) (+1 if narrow), 2^(b-1)-1], unsigned [0, 2^b-1]. */
export function qrange(spec: QuantSpec): QRange {
  validateQuantSpec(spec);
  if (spec.signed) {
    const half = 2 ** (spec.bits - 1);
    return { qmin: -half + (spec.narrowRange ? 1 : 0), qmax: half - 1 };
  }
  return { qmin: 0, qmax: 2 ** spec.bits - 1 };
}

/** Throws a QatjsError naming the field if `spec` is not a valid QuantSpec. */
export function validateQuantSpec(spec: QuantSpec, where = 'QuantSpec'): void {
  if (spec === null || typeof spec !== 'object') {
    throw new QatjsError(`${where}: expected an object, got ${describeValue(spec)}`);
  }
  const { bits, signed, symmetric, narrowRange, axis } = spec;
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new QatjsError(`${where}: bits must be an integer in ${MIN_BITS}..${MAX_BITS}, got ${describeValue(bits)}`);
  }
  if (typeof signed !== 'boolean') throw new QatjsError(`${where}: signed must be a boolean, got ${describeValue(signed)}`);
  if (typeof symmetric !== 'boolean') {
    throw new QatjsError(`${where}: symmetric must be a boolean, got ${describeValue(symmetric)}`);
  }
  if (narrowRange !== undefined && typeof narrowRange !== 'boolean') {
    throw new QatjsError(`${where}: narrowRange must be a boolean, got ${describeValue(narrowRange)}`);
  }
  if (narrowRange && !signed) {
    throw new QatjsError(`${where}: narrowRange applies to signed specs only (an unsigned grid starts at 0)`);
  }
  if (axis !== undefined && (!Number.isInteger(axis) || axis < 0)) {
    throw new QatjsError(`${where}: axis must be a non-negative integer or undefined, got ${describeValue(axis)}`);
  }
}
