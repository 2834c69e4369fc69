import { QatjsError } from '@qatjs/ir';

/** Every error this package throws for a bad argument, a disposed tensor or an exhausted memory. */
export class BackendWasmError extends QatjsError {
  override readonly name: string = 'BackendWasmError';
}

/**
 * A caller's value as text for an error message, as String() gives it, but never throwing: String()
 * throws for an object without a prototype or with a throwing toString, and a message about a bad
 * argument must not become a TypeError itself. Long text is cut.
 */
export function valueText(v: unknown): string {
  let text: string;
  try {
    text = typeof v === 'symbol' ? v.toString() : String(v);
  } catch {
    text = Array.isArray(v) ? `an array of length ${v.length}` : `an ${typeof v} that has no text form`;
  }
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
