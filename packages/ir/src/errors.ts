/**
 * The root of every error qatjs throws on bad input (a bad option, shape, file or model), in every
 * package: callers tell ours from tfjs's or the platform's with `instanceof QatjsError`. It lives here,
 * in the package every other one depends on (docs/architecture.md); @qatjs/core re-exports it.
 */
export class QatjsError extends Error {
  override readonly name: string = 'QatjsError';
}

/**
 * The one error @qatjs/ir throws for a malformed model, file or argument. `field` names where the
 * problem is (`nodes[3].attrs.strides`, `header.constants[0].offset`, `file.magic`), and the message
 * starts with it, so a caller can report it without parsing the text.
 */
export class IntModelError extends QatjsError {
  override readonly name: string = 'IntModelError';
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** Throws an IntModelError; a function so that checks read as `cond || fail(...)`-free statements. */
export function fail(field: string, problem: string): never {
  throw new IntModelError(field, problem);
}

/** A short, safe description of any value for an error message (never prints a whole array). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return v.length > 64 ? `${JSON.stringify(v.slice(0, 64))}...` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${v.byteLength} bytes`;
  if (typeof v === 'object') {
    const proto: unknown = Object.getPrototypeOf(v);
    return proto === null || proto === Object.prototype ? 'an object' : 'a non-plain object';
  }
  return `a ${typeof v}`;
}

/** An object key as it may appear in a field name: hostile files can have megabyte-long keys. */
export function keyName(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}...` : key;
}
