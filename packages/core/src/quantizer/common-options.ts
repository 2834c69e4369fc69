import { MAX_BITS, MIN_BITS, validateQuantSpec, type QuantSpec } from '../spec/quant-spec.ts';
import { QuantizerOptionError } from '../util/errors.ts';
import { option } from '../util/options.ts';
import type { QuantPoint } from './quant-point.ts';

/**
 * The options every quantizer understands; spread into a plugin's schema:
 * `readOptions(owner, raw, { ...commonOptions, momentum: option.number(...) })`.
 */
export const commonOptions = {
  bits: option.integer(MIN_BITS, MAX_BITS),
  /** Default: signed for weights and biases, unsigned for activations declared nonNegative. */
  signed: option.optional(option.boolean()),
  narrowRange: option.boolean(false),
  perChannel: option.boolean(false),
};

export interface CommonOptions {
  readonly bits: number;
  readonly signed: boolean | undefined;
  readonly narrowRange: boolean;
  readonly perChannel: boolean;
}

/**
 * The QuantSpec for one point from the common options: resolves the default sign and the
 * per-channel axis, and rejects what cannot work at this point (per-channel without a channel axis,
 * narrow range on an unsigned grid).
 */
export function specForPoint(owner: string, options: CommonOptions, point: QuantPoint, symmetric: boolean): QuantSpec {
  const signed = options.signed ?? !(point.role === 'activation' && point.nonNegative === true);
  let axis: number | undefined;
  if (options.perChannel) {
    if (point.channelAxis === undefined) {
      throw new QuantizerOptionError(`${owner} at '${point.label}': option 'perChannel' needs a channel axis, and this point declares none`);
    }
    axis = point.channelAxis;
  }
  const spec: QuantSpec = { bits: options.bits, signed, symmetric, narrowRange: options.narrowRange, ...(axis === undefined ? {} : { axis }) };
  try {
    validateQuantSpec(spec, `${owner} at '${point.label}'`);
  } catch (e) {
    throw new QuantizerOptionError((e as Error).message);
  }
  return spec;
}
