import { QatjsError } from '@qatjs/ir';

/** Every error @qatjs/datasets throws on bad input or bad data is a DatasetError (a QatjsError). */
export class DatasetError extends QatjsError {
  override readonly name: string = 'DatasetError';
}

/** A short, safe description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v == null) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}
