// How an IR value lives in the kernels' memory. The kernels compute on int8 codes (int16 for a
// recurrent cell state, int32 token ids); a uint8 value is
// stored shifted by -128 (code - 128, zero point - 128, clamp - 128), which changes no real number:
// (q - zp) * s is the same for both. Graph inputs and outputs are shifted back at the edges.
import { codeRange, type QuantParams as IrQuant, type ValueDecl } from '@qatjs/ir';
import type { TensorQuant } from '../numerics/qparams.ts';
import { BackendWasmError } from '../errors.ts';

export interface Storage {
  /** int8 codes (int8 and uint8 values), int16 codes, int32 integers (token ids), float32 reals. */
  readonly dtype: 'int8' | 'int16' | 'int32' | 'float32';
  /** Added to a stored code to get the IR code (128 for uint8, 0 otherwise). */
  readonly shift: number;
  /** Per-tensor params in stored codes (int8 and int16 values). */
  readonly quant?: TensorQuant;
  /** The whole grid of the IR value's bits, in stored codes. */
  readonly grid?: { readonly min: number; readonly max: number };
}

export function storageOf(decl: ValueDecl): Storage {
  if (decl.dtype === 'float32' || decl.dtype === 'int32') return { dtype: decl.dtype, shift: 0 };
  const q = decl.quant as IrQuant;
  const shift = decl.dtype === 'uint8' ? 128 : 0;
  const { qmin, qmax } = codeRange(q.bits, decl.dtype !== 'uint8');
  return {
    dtype: decl.dtype === 'int16' ? 'int16' : 'int8',
    shift,
    quant: { scale: q.scale[0], zeroPoint: q.zeroPoint[0] - shift },
    grid: { min: qmin - shift, max: qmax - shift },
  };
}

/** An IR clamp [lo, hi] (codes of the output's dtype) as the kernels' clamp in stored codes. */
export function storedClamp(clamp: readonly number[], out: Storage): { min: number; max: number } {
  return { min: clamp[0] - out.shift, max: clamp[1] - out.shift };
}

export function quantOf(s: Storage, what: string): TensorQuant {
  if (!s.quant) throw new BackendWasmError(`${what}: expected a quantized value`);
  return s.quant;
}
