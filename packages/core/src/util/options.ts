// A small option reader for plugin authors: declare each option's type and range once, get typed
// values and errors that name the plugin and the option.
import { QuantizerOptionError, describeValue } from './errors.ts';

export interface OptionSpec<T> {
  /** Human description of accepted values, used in errors and docs. */
  readonly accepts: string;
  readonly defaultValue?: T;
  /** An optional option without a default is left undefined when absent. */
  readonly optional?: boolean;
  /** Returns the parsed value or undefined if `v` is not acceptable. */
  parse(v: unknown): T | undefined;
}

type Parsed<S> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

function spec<T>(accepts: string, parse: (v: unknown) => T | undefined, defaultValue?: T): OptionSpec<T> {
  return defaultValue === undefined ? { accepts, parse } : { accepts, parse, defaultValue };
}

/** Option types. A spec without a default makes the option required. */
export const option = {
  integer(min: number, max: number, defaultValue?: number): OptionSpec<number> {
    return spec(`an integer in ${min}..${max}`, (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : undefined), defaultValue);
  },
  /** A finite number in a range; `open` excludes the bounds named ('min', 'max' or 'both'). */
  number(min: number, max: number, defaultValue?: number, open: 'none' | 'min' | 'max' | 'both' = 'none'): OptionSpec<number> {
    const lo = open === 'min' || open === 'both' ? '(' : '[';
    const hi = open === 'max' || open === 'both' ? ')' : ']';
    return spec(
      `a number in ${lo}${min}, ${max}${hi}`,
      (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
        if (lo === '(' ? v <= min : v < min) return undefined;
        if (hi === ')' ? v >= max : v > max) return undefined;
        return v;
      },
      defaultValue,
    );
  },
  boolean(defaultValue?: boolean): OptionSpec<boolean> {
    return spec('true or false', (v) => (typeof v === 'boolean' ? v : undefined), defaultValue);
  },
  oneOf<T extends string>(values: readonly T[], defaultValue?: T): OptionSpec<T> {
    return spec(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => (values.includes(v as T) ? (v as T) : undefined), defaultValue);
  },
  /** Makes an option without a default optional: absent means undefined. */
  optional<T>(s: OptionSpec<T>): OptionSpec<T | undefined> {
    return { ...s, optional: true };
  },
  /** Passes any value a custom parser accepts. */
  custom<T>(accepts: string, parse: (v: unknown) => T | undefined, defaultValue?: T): OptionSpec<T> {
    return spec(accepts, parse, defaultValue);
  },
};

/**
 * Reads `raw` against `schema`: unknown keys, missing required options and bad values throw a
 * QuantizerOptionError such as `quantizer 'uniform': option 'momentum' must be a number in (0, 1], got 2`.
 * `owner` names the plugin (e.g. "quantizer 'uniform'").
 */
export function readOptions<S extends Record<string, OptionSpec<unknown>>>(
  owner: string,
  raw: Readonly<Record<string, unknown>> | undefined,
  schema: S,
): Parsed<S> {
  const input = raw ?? {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new QuantizerOptionError(`${owner}: options must be an object, got ${describeValue(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema).join(', ') || '(none)';
      throw new QuantizerOptionError(`${owner}: unknown option '${key}' (known options: ${known})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema)) {
    const v = input[key];
    if (v === undefined) {
      if (s.defaultValue === undefined && s.optional) continue;
      if (s.defaultValue === undefined) throw new QuantizerOptionError(`${owner}: option '${key}' is required (${s.accepts})`);
      out[key] = s.defaultValue;
      continue;
    }
    const parsed = s.parse(v);
    if (parsed === undefined) {
      throw new QuantizerOptionError(`${owner}: option '${key}' must be ${s.accepts}, got ${describeValue(v)}`);
    }
    out[key] = parsed;
  }
  return out as Parsed<S>;
}
