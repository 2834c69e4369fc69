import { IntModelError } from './errors.ts';
import { codeRange, dtypeInfo } from './dtype.ts';
import type { DType, QuantParams } from './types.ts';

export interface QuantInit {
  /** One scale (per-tensor) or one per channel. Rounded to float32. */
  readonly scale: number | ArrayLike<number>;
  /** Defaults to 0 for every channel. */
  readonly zeroPoint?: number | ArrayLike<number>;
  /** Defaults to 8. */
  readonly bits?: number;
  readonly axis?: number;
}

function toList(v: number | ArrayLike<number>): ArrayLike<number> {
  return typeof v === 'number' ? [v] : v;
}

/**
 * Makes QuantParams from plain numbers (scales rounded to float32). Range checks happen in
 * validateModel, which knows the dtype and shape; this only checks the lengths agree.
 */
export function makeQuant(init: QuantInit): QuantParams {
  const scale = Float32Array.from(toList(init.scale));
  const zp = init.zeroPoint === undefined ? new Int32Array(scale.length) : Int32Array.from(toList(init.zeroPoint));
  if (zp.length !== scale.length) {
    throw new IntModelError('quant.zeroPoint', `length ${zp.length} differs from scale length ${scale.length}`);
  }
  const bits = init.bits ?? 8;
  return init.axis === undefined ? { scale, zeroPoint: zp, bits } : { scale, zeroPoint: zp, bits, axis: init.axis };
}

/** The code grid [qmin, qmax] of a quantized dtype with these params. */
export function quantRange(dtype: DType, quant: QuantParams): { qmin: number; qmax: number } {
  return codeRange(quant.bits, dtypeInfo(dtype).signed);
}

/** True when two QuantParams describe the same grid bit for bit (same scales, zero points, bits, axis). */
export function sameQuant(a: QuantParams | undefined, b: QuantParams | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.bits !== b.bits || a.axis !== b.axis || a.scale.length !== b.scale.length) return false;
  for (let i = 0; i < a.scale.length; i++) {
    if (!Object.is(a.scale[i], b.scale[i]) || a.zeroPoint[i] !== b.zeroPoint[i]) return false;
  }
  return true;
}

/**
 * The quant params a bias of a conv/gemm must carry: scale fround(sX * sW[c]) per weight channel,
 * zero point 0, bits 32, axis 0 when the weights are per-channel. `channels` is the bias length
 * (= output channels); for a depthwise conv with multiplier > 1, weight channel c serves outputs
 * c*multiplier .. c*multiplier + multiplier - 1.
 */
export function biasQuant(input: QuantParams, weights: QuantParams, channels: number): QuantParams {
  if (input.scale.length !== 1) throw new IntModelError('input.scale', 'an activation is quantized per-tensor (one scale)');
  const sx = input.scale[0];
  if (weights.scale.length === 1) {
    return { scale: Float32Array.of(Math.fround(sx * weights.scale[0])), zeroPoint: new Int32Array(1), bits: 32 };
  }
  const per = channels / weights.scale.length;
  if (!Number.isInteger(per) || per < 1) {
    throw new IntModelError('channels', `${channels} output channels are not a multiple of ${weights.scale.length} weight channels`);
  }
  const scale = new Float32Array(channels);
  for (let o = 0; o < channels; o++) scale[o] = Math.fround(sx * weights.scale[Math.floor(o / per)]);
  return { scale, zeroPoint: new Int32Array(channels), bits: 32, axis: 0 };
}
