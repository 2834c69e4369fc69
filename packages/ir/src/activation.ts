import { IntModelError, describeValue } from './errors.ts';
import { codeRange } from './dtype.ts';
import { roundHalfEven } from './numerics.ts';
import type { Clamp } from './ops/attr-types.ts';
import type { QuantParams } from './types.ts';

/** The activations an int op fuses as a clamp of its output codes. */
export type FusedActivation = 'none' | 'relu' | 'relu6';

/**
 * THE clamp [lo, hi] a fused activation means, in output codes of a per-tensor `quant` on the grid of
 * `dtype` (default int8) and `quant.bits` (docs/numerics.md): none is the whole grid; ReLU keeps codes
 * at or above the code of 0.0, [max(qmin, zp), qmax]; ReLU6 also caps at the code of 6.0,
 * hi = min(qmax, zp + roundHalfEven(6 / s)). Never lo > hi (hi is raised to lo when 6.0 falls below it).
 */
export function activationClamp(activation: FusedActivation, quant: QuantParams, dtype: 'int8' | 'uint8' | 'int16' = 'int8'): Clamp {
  if (activation !== 'none' && activation !== 'relu' && activation !== 'relu6') {
    throw new IntModelError('activation', `must be 'none', 'relu' or 'relu6', got ${describeValue(activation)}`);
  }
  if (dtype !== 'int8' && dtype !== 'uint8' && dtype !== 'int16') throw new IntModelError('dtype', `must be 'int8', 'uint8' or 'int16', got ${describeValue(dtype)}`);
  if (quant === null || typeof quant !== 'object') throw new IntModelError('quant', `must be QuantParams, got ${describeValue(quant)}`);
  const { bits, scale, zeroPoint } = quant;
  const maxBits = dtype === 'int16' ? 16 : 8;
  if (!Number.isInteger(bits) || bits < 2 || bits > maxBits) throw new IntModelError('quant.bits', `must be 2..${maxBits} for ${dtype}, got ${describeValue(bits)}`);
  if (scale?.length !== 1 || zeroPoint?.length !== 1) throw new IntModelError('quant.scale', 'an activation clamp needs per-tensor params (one scale and zero point)');
  const s = scale[0];
  const zp = zeroPoint[0];
  if (!(s > 0 && s < Infinity)) throw new IntModelError('quant.scale[0]', `must be finite and > 0, got ${s}`);
  const { qmin, qmax } = codeRange(bits, dtype !== 'uint8');
  if (!Number.isInteger(zp) || zp < qmin || zp > qmax) throw new IntModelError('quant.zeroPoint[0]', `${zp} is outside the ${bits}-bit ${dtype} grid ${qmin}..${qmax}`);
  if (activation === 'none') return [qmin, qmax];
  const lo = Math.min(qmax, Math.max(qmin, zp));
  const hi = activation === 'relu6' ? Math.min(qmax, zp + roundHalfEven(6 / s)) : qmax;
  return [lo, Math.max(lo, hi)];
}
