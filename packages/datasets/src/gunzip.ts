import { DatasetError } from './errors.ts';
import { checkInt, checkOptions } from './validate.ts';

/** The most bytes gunzip() returns unless told otherwise (options.maxBytes): 1 GiB. */
export const MAX_GUNZIP_BYTES = 2 ** 30;

/** How many compressed bytes are fed to the decompressor at a time (deflate expands at most ~1032x). */
const INPUT_CHUNK = 16 * 1024;
/** The most leading output bytes options.limit is shown (an IDX header is at most 1024 bytes). */
export const GUNZIP_HEAD_BYTES = 4096;

/** A bound on the output found from its first bytes (a file's header, say). */
export interface GunzipLimit {
  /** The most bytes the output may have. */
  readonly bytes: number;
  /** Why, for the error message: `dims [1] need 9 bytes (8 header + 1 data)`. */
  readonly reason: string;
}

export interface GunzipOptions {
  /** Refuse output longer than this many bytes (default and at most MAX_GUNZIP_BYTES). */
  maxBytes?: number;
  /**
   * Called with the output so far (its first GUNZIP_HEAD_BYTES at most) until it returns a bound; it
   * returns undefined while it needs more bytes, and may throw a DatasetError to refuse the data.
   * Decompression stops as soon as the output passes the bound.
   */
  limit?: (head: Uint8Array) => GunzipLimit | undefined;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The compressed bytes as a stream of small copies, produced only as the decompressor asks for them. */
function inputStream(bytes: Uint8Array): ReadableStream<Uint8Array<ArrayBuffer>> {
  let at = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      pull(controller) {
        if (at >= bytes.length) {
          controller.close();
          return;
        }
        // a copy: DecompressionStream takes ArrayBuffer-backed chunks only (not SharedArrayBuffer views)
        controller.enqueue(bytes.slice(at, at + INPUT_CHUNK));
        at += INPUT_CHUNK;
      },
    },
    { highWaterMark: 0 },
  );
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Decompresses gzip data with the web-standard DecompressionStream (Node >= 18, Deno, Bun, browsers),
 * so no runtime-specific zlib binding is needed. Corrupt or truncated data becomes a DatasetError, and
 * so does output longer than options.maxBytes or options.limit's bound: decompression stops there,
 * so a small file that expands to gigabytes costs about the bound, not the gigabytes.
 */
export async function gunzip(bytes: Uint8Array, what = 'gzip data', options?: GunzipOptions): Promise<Uint8Array> {
  const opts = checkOptions<GunzipOptions>('gunzip', options, ['maxBytes', 'limit']);
  const maxBytes = opts.maxBytes === undefined ? MAX_GUNZIP_BYTES : checkInt('gunzip: maxBytes', opts.maxBytes, 0, MAX_GUNZIP_BYTES);
  if (opts.limit !== undefined && typeof opts.limit !== 'function') throw new DatasetError('gunzip: limit must be a function');
  if (!(bytes instanceof Uint8Array)) throw new DatasetError(`${what}: expected a Uint8Array`);
  if (!isGzip(bytes)) {
    throw new DatasetError(`${what}: not gzip data (the first bytes are not the gzip magic 1f 8b)`);
  }
  const reader = inputStream(bytes).pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let bound: GunzipLimit | undefined = opts.limit ? undefined : { bytes: maxBytes, reason: '' };
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        throw new DatasetError(`${what}: corrupt or truncated gzip data (${(e as Error).message})`);
      }
      if (step.done) break;
      chunks.push(step.value);
      total += step.value.length;
      if (bound === undefined && opts.limit) {
        const head = concat(chunks, total).subarray(0, GUNZIP_HEAD_BYTES);
        const found = opts.limit(head);
        if (found !== undefined) bound = { bytes: Math.min(found.bytes, maxBytes), reason: found.bytes <= maxBytes ? found.reason : '' };
        else if (head.length >= GUNZIP_HEAD_BYTES) bound = { bytes: maxBytes, reason: '' };
      }
      const limit = bound?.bytes ?? maxBytes;
      if (total > limit) {
        const why = bound?.reason ? `over-long: ${bound.reason}` : `more than ${limit} bytes (the limit, options.maxBytes)`;
        throw new DatasetError(`${what}: ${why}; the gzip data decompresses to more (stopped at ${total} bytes)`);
      }
    }
  } catch (e) {
    reader.cancel().catch(() => undefined);
    throw e;
  }
  return concat(chunks, total);
}

/** The bytes, decompressed if they are gzip (detected by magic), else unchanged. */
export async function maybeGunzip(bytes: Uint8Array, what?: string, options?: GunzipOptions): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzip(bytes, what, options) : bytes;
}
