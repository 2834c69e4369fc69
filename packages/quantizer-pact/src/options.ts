import { MAX_BITS, MIN_BITS, option, readOptions } from '@qatjs/core';

/** A finite number above (or, with orEqual, at least) a bound. */
function finiteAbove(bound: number, orEqual: boolean, defaultValue: number) {
  const accepts = `a finite number ${orEqual ? '>=' : '>'} ${bound}`;
  return option.custom(accepts, (v) => (typeof v === 'number' && Number.isFinite(v) && (orEqual ? v >= bound : v > bound) ? v : undefined), defaultValue);
}

const schema = {
  bits: option.integer(MIN_BITS, MAX_BITS),
  /** The clipping level alpha starts here; PACT's paper starts at 10. */
  alpha: finiteAbove(0, false, 10),
  /** lambda of the L2 penalty lambda * alpha^2 that regularizationLoss() returns; 0: none. */
  l2: finiteAbove(0, true, 0),
};

export type PactOptions = ReturnType<typeof readPactOptions>;

/** Checks a recipe's options for 'pact'; errors name the plugin and the option. */
export function readPactOptions(raw: Readonly<Record<string, unknown>>) {
  return readOptions("quantizer 'pact'", raw, schema);
}
