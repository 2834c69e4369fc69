import { DatasetError, describeValue } from './errors.ts';

/** An integer in [min, max], or a DatasetError naming `what`. */
export function checkInt(what: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new DatasetError(`${what} must be an integer ${range}, got ${describeValue(v)}`);
  }
  return v;
}

/** A number strictly between lo and hi, or a DatasetError naming `what`. */
export function checkFraction(what: string, v: unknown, lo = 0, hi = 1): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= lo || v >= hi) {
    throw new DatasetError(`${what} must be a number strictly between ${lo} and ${hi}, got ${describeValue(v)}`);
  }
  return v;
}

/** An options argument: undefined (all defaults) or a plain object whose keys are all known. */
export function checkOptions<T extends object>(who: string, options: unknown, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DatasetError(`${who}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new DatasetError(`${who}: unknown option '${key}' (known: ${known.join(', ')})`);
    }
  }
  return options as Partial<T>;
}
