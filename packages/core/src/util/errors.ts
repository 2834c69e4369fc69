import { QatjsError } from '@qatjs/ir';

// QatjsError, the root of every qatjs error, is defined once in @qatjs/ir (the ground floor).
export { QatjsError };

/** A quantizer or observer option is missing, of the wrong type or out of range. */
export class QuantizerOptionError extends QatjsError {
  override readonly name = 'QuantizerOptionError';
}

/** A recipe (JSON or object) is malformed. */
export class RecipeError extends QatjsError {
  override readonly name = 'RecipeError';
}

/** Data that must be finite (inputs, statistics, learned step sizes) is NaN or infinite. */
export class NonFiniteError extends QatjsError {
  override readonly name = 'NonFiniteError';
}

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `a ${typeof v}`;
}
