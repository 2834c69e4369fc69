// Power-of-two scales: the smallest power of two >= a scale, so the grid still spans the observed
// range (nothing more is clipped) and dividing by it, or multiplying by it, is exact in float32 (a
// shift of the exponent). TFLite's integer LSTM keeps its cell state on such a grid.
import { QatjsError } from '../util/errors.ts';

/**
 * The smallest power of two >= `scale` (a finite scale > 0); exact: 2^e for an integer e, which
 * float32 holds exactly for every scale >= MIN_SCALE.
 * @example
 * powerOfTwoCeil(0.3); // 0.5
 * powerOfTwoCeil(0.25); // 0.25
 */
export function powerOfTwoCeil(scale: number): number {
  if (!(Number.isFinite(scale) && scale > 0)) throw new QatjsError(`powerOfTwoCeil: the scale must be finite and > 0, got ${scale}`);
  let e = Math.ceil(Math.log2(scale));
  // Math.log2 may be off by an ulp near a power of two: settle on the smallest 2^e >= scale
  while (2 ** e < scale) e++;
  while (2 ** (e - 1) >= scale) e--;
  return 2 ** e;
}
