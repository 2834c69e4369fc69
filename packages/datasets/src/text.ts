import { DatasetError } from './errors.ts';

/** Decodes UTF-8 strictly: invalid bytes are a DatasetError, not silent U+FFFD replacements. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DatasetError(`${what}: is not valid UTF-8 text`);
  }
}
