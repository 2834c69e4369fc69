// The options LSQ and LSQ+ add to core's common ones (bits, signed, narrowRange, perChannel).
import { MIN_SCALE, QuantizerOptionError, commonOptions, listObservers, option, resolveObserver, type ObserverConfig } from '@qatjs/core';

/**
 * How the first step size (and LSQ+'s first offset) is chosen:
 * - `lsq`: s0 = 2 * mean(|x|) / sqrt(Qp) (Esser et al. 2020), per channel when per-channel;
 * - `observer`: the grid a core observer (minMax, mse, percentile...) fits to the first batch;
 * - `step`: a fixed step size, no data needed (zero point 0).
 */
export type InitChoice =
  | { readonly kind: 'lsq' }
  | { readonly kind: 'observer'; readonly observer: ObserverConfig }
  | { readonly kind: 'step'; readonly step: number };

/** `true`: LSQ's g = 1/sqrt(N * Qp); `false`: no gradient scale (g = 1); a number: that g. */
export type GradScaleChoice = boolean | number;

function initOption(owner: string, allowLsq: boolean, defaultValue: InitChoice) {
  const names = [...(allowLsq ? ["'lsq'"] : []), ...listObservers().map((n) => `'${n}'`)];
  const accepts = `${names.join(', ')}, { name, ...observerOptions } or a fixed step size >= 2^-23`;
  return option.custom<InitChoice>(
    accepts,
    (v) => {
      if (allowLsq && v === 'lsq') return { kind: 'lsq' };
      if (typeof v === 'number') return Number.isFinite(v) && v >= MIN_SCALE ? { kind: 'step', step: v } : undefined;
      const name = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { name?: unknown }).name : v;
      if (typeof name !== 'string' || !listObservers().includes(name)) return undefined;
      try {
        return { kind: 'observer', observer: resolveObserver(v, owner) };
      } catch (e) {
        throw new QuantizerOptionError(`${owner}: option 'init': ${(e as Error).message}`);
      }
    },
    defaultValue,
  );
}

const gradScaleOption = option.custom<GradScaleChoice>(
  "true (LSQ's 1/sqrt(N * Qp)), false (no gradient scale) or a finite number > 0",
  (v) => (typeof v === 'boolean' ? v : typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined),
  true,
);

/** The schema both plugins read their options with (readOptions). */
export function learnedStepSchema(owner: string, allowLsqInit: boolean, defaultInit: InitChoice) {
  return {
    ...commonOptions,
    init: initOption(owner, allowLsqInit, defaultInit),
    gradScale: gradScaleOption,
    /** Floor the step size is clamped to before use (see README: keeping the step positive). */
    minStep: option.number(MIN_SCALE, 1, MIN_SCALE),
  };
}
