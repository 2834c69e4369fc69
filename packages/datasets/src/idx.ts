// IDX: the file format of MNIST (and of Fashion-MNIST, EMNIST, KMNIST...). A big-endian header
// (idx-header.ts), then the data.
import { DatasetError, describeValue } from './errors.ts';
import { gunzip, isGzip, type GunzipLimit } from './gunzip.ts';
import { MAX_IDX_BYTES, readIdxHeader, type IdxHeader, type IdxHeaderOptions } from './idx-header.ts';
import { sourceBytes, sourceName, type DataSource } from './source.ts';
import { checkInt, checkOptions } from './validate.ts';

/** A parsed unsigned-byte IDX file: its dimensions and its data in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export interface ParseIdxOptions {
  /** Require exactly this many dimensions (e.g. 3 for images, 1 for labels). */
  ndim?: number;
  /** A name for error messages (a file name, say). */
  name?: string;
  /** Refuse files that declare more data bytes than this (default and at most MAX_IDX_BYTES, 1 GiB). */
  maxBytes?: number;
}

const OPTION_KEYS = ['ndim', 'name', 'maxBytes'];

function headerOptions(options: ParseIdxOptions | undefined): IdxHeaderOptions {
  const opts = checkOptions<ParseIdxOptions>('parseIdx', options, OPTION_KEYS);
  if (opts.name !== undefined && typeof opts.name !== 'string') throw new DatasetError(`parseIdx: name must be a string, got ${describeValue(opts.name)}`);
  return {
    what: opts.name ?? 'IDX data',
    ndim: opts.ndim === undefined ? undefined : checkInt('parseIdx: ndim', opts.ndim, 1, 255),
    maxBytes: opts.maxBytes === undefined ? MAX_IDX_BYTES : checkInt('parseIdx: maxBytes', opts.maxBytes, 1, MAX_IDX_BYTES),
  };
}

const need = (h: IdxHeader): string =>
  `dims [${h.dims.join(', ')}] need ${h.headerBytes + h.dataBytes} bytes (${h.headerBytes} header + ${h.dataBytes} data)`;

function parseChecked(bytes: Uint8Array, opts: IdxHeaderOptions): IdxArray {
  const header = readIdxHeader(bytes, opts, true)!;
  const expected = header.headerBytes + header.dataBytes;
  if (bytes.length !== expected) {
    const kind = bytes.length < expected ? 'truncated' : 'over-long';
    const diff = Math.abs(expected - bytes.length);
    throw new DatasetError(
      `${opts.what}: ${kind}: ${need(header)}, got ${bytes.length} (${diff} ${bytes.length < expected ? 'missing' : 'extra'})`,
    );
  }
  return { dims: header.dims, data: bytes.slice(header.headerBytes) };
}

/**
 * Parses uncompressed unsigned-byte IDX data. Rejects wrong magic, other type codes, a wrong number
 * of dimensions, a 0 dimension, more data than options.maxBytes (1 GiB) and data that is shorter or
 * longer than the header says (naming both sizes). The returned data is a copy: it does not alias `bytes`.
 */
export function parseIdxSync(bytes: Uint8Array, options?: ParseIdxOptions): IdxArray {
  const opts = headerOptions(options);
  if (!(bytes instanceof Uint8Array)) throw new DatasetError(`${opts.what}: expected a Uint8Array`);
  if (isGzip(bytes)) throw new DatasetError(`${opts.what}: is gzip-compressed; use the async parseIdx`);
  return parseChecked(bytes, opts);
}

/**
 * Parses an unsigned-byte IDX file, gzipped (detected by the magic 1f 8b) or not. A gzipped file is
 * decompressed only as far as its header (read from the first decompressed bytes) says it reaches:
 * one byte more and it is refused as over-long.
 */
export async function parseIdx(bytes: Uint8Array | ArrayBuffer, options?: ParseIdxOptions): Promise<IdxArray> {
  const opts = headerOptions(options);
  if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
    throw new DatasetError('parseIdx: expected a Uint8Array or an ArrayBuffer (use loadIdx for paths and URLs)');
  }
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const limit = (head: Uint8Array): GunzipLimit | undefined => {
    const h = readIdxHeader(head, opts, false);
    return h && { bytes: h.headerBytes + h.dataBytes, reason: need(h) };
  };
  return parseChecked(isGzip(u8) ? await gunzip(u8, opts.what, { limit }) : u8, opts);
}

/** Reads and parses an IDX file from a path, a URL or bytes. */
export async function loadIdx(source: DataSource, options?: ParseIdxOptions): Promise<IdxArray> {
  const name = options?.name ?? sourceName(source);
  return parseIdx(await sourceBytes(source, name), { ...options, name });
}

/** An image IDX file (N x rows x cols) and its label IDX file (N), checked against each other. */
export interface IdxImagesAndLabels {
  count: number;
  rows: number;
  cols: number;
  /** N * rows * cols pixels, image after image, each row-major. */
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * Loads an image file and a label file in IDX format (gzipped or not; paths, URLs or bytes) and
 * checks that they hold the same number of samples.
 */
export async function loadIdxImagesAndLabels(
  imagesSource: DataSource,
  labelsSource: DataSource,
): Promise<IdxImagesAndLabels> {
  const imagesName = `image file ${sourceName(imagesSource)}`;
  const labelsName = `label file ${sourceName(labelsSource)}`;
  const [images, labels] = await Promise.all([
    loadIdx(imagesSource, { ndim: 3, name: imagesName }),
    loadIdx(labelsSource, { ndim: 1, name: labelsName }),
  ]);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      `mismatched counts: the image file holds ${count} images but the label file holds ${labels.dims[0]} labels`,
    );
  }
  return { count, rows, cols, images: images.data, labels: labels.data };
}
