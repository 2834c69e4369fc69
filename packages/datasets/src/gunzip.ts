import { DatasetError } from './errors.ts';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data with the web-standard DecompressionStream (Node >= 18, Deno, Bun, browsers),
 * so no runtime-specific zlib binding is needed. Corrupt or truncated data becomes a DatasetError.
 */
export async function gunzip(bytes: Uint8Array, what = 'gzip data'): Promise<Uint8Array> {
  if (!isGzip(bytes)) {
    throw new DatasetError(`${what}: not gzip data (the first bytes are not the gzip magic 1f 8b)`);
  }
  try {
    // Blob takes ArrayBuffer-backed views only; a view of a SharedArrayBuffer is copied first.
    const part = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    const stream = new Blob([part]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DatasetError(`${what}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
}

/** The bytes, decompressed if they are gzip (detected by magic), else unchanged. */
export async function maybeGunzip(bytes: Uint8Array, what?: string): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, what) : bytes;
}
