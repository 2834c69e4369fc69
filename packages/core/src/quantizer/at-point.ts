import { QatjsError } from '../util/errors.ts';
import type { QuantPoint } from './quant-point.ts';

/**
 * Runs `fn`; a QatjsError it throws is re-thrown (same class) with the quantizer and point in front,
 * e.g. "quantizer 'uniform' at 'conv1/input': fakeQuantize: input contains NaN at flat index 3".
 */
export function atPoint<T>(quantizer: string, point: QuantPoint, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof QatjsError) || e.message.includes(`'${point.label}'`)) throw e;
    const Ctor = e.constructor as new (message: string) => QatjsError;
    throw new Ctor(`quantizer '${quantizer}' at '${point.label}': ${e.message}`);
  }
}
