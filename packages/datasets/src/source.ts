import { DatasetError, describeValue } from './errors.ts';
import { readBytes } from './read-bytes.ts';

/**
 * Where data comes from: a file-system path (string), a URL (file:, http(s):, blob:, data:), or the
 * bytes themselves (Uint8Array, ArrayBuffer).
 */
export type DataSource = string | URL | Uint8Array | ArrayBuffer;

/** The bytes of a DataSource; raw bytes are returned as they are (not copied). */
export async function sourceBytes(source: DataSource, what: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string' || source instanceof URL) {
    if (source === '') throw new DatasetError(`${what}: the path is empty`);
    try {
      return await readBytes(source);
    } catch (e) {
      throw new DatasetError(`${what}: cannot read ${String(source)}: ${(e as Error).message}`);
    }
  }
  throw new DatasetError(
    `${what}: expected a path, a URL, a Uint8Array or an ArrayBuffer, got ${describeValue(source)}`,
  );
}

/** A label for error messages: the path or URL, or "the given bytes". */
export function sourceName(source: DataSource): string {
  return typeof source === 'string' || source instanceof URL ? String(source) : 'the given bytes';
}
