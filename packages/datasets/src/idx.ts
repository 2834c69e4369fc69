// IDX: the file format of MNIST (and of Fashion-MNIST, EMNIST, KMNIST...). A big-endian header:
// two zero bytes, a type code, the number of dimensions d, then d uint32 sizes; then the data.
import { DatasetError } from './errors.ts';
import { isGzip, maybeGunzip } from './gunzip.ts';
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
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
const UBYTE = 0x08;

const hex = (v: number, digits = 2): string => `0x${v.toString(16).padStart(digits, '0')}`;

/**
 * Parses uncompressed unsigned-byte IDX data. Rejects wrong magic, other type codes, a wrong number
 * of dimensions, and data that is shorter or longer than the header says (naming both sizes).
 * The returned data is a copy: it does not alias `bytes`.
 */
export function parseIdxSync(bytes: Uint8Array, options?: ParseIdxOptions): IdxArray {
  const opts = checkOptions<ParseIdxOptions>('parseIdx', options, ['ndim', 'name']);
  const what = opts.name ?? 'IDX data';
  if (!(bytes instanceof Uint8Array)) throw new DatasetError(`${what}: expected a Uint8Array`);
  if (isGzip(bytes)) throw new DatasetError(`${what}: is gzip-compressed; use the async parseIdx`);
  if (bytes.length < 4) {
    throw new DatasetError(`${what}: ${bytes.length} bytes is too short for an IDX header (at least 4)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(
      `${what}: wrong magic number ${hex(view.getUint32(0, false), 8)}: an IDX file starts with two ` +
        'zero bytes, then the type code and the number of dimensions (MNIST: 0x00000803 images, 0x00000801 labels)',
    );
  }
  const type = bytes[2]!;
  if (type !== UBYTE) {
    const known = TYPE_NAMES[type];
    throw new DatasetError(
      known
        ? `${what}: IDX type code ${hex(type)} (${known}) is not supported; only ${hex(UBYTE)} (unsigned byte) is`
        : `${what}: unknown IDX type code ${hex(type)}; only ${hex(UBYTE)} (unsigned byte) is supported`,
    );
  }
  const ndim = bytes[3]!;
  if (ndim === 0) throw new DatasetError(`${what}: the header declares 0 dimensions`);
  if (opts.ndim !== undefined && ndim !== checkInt('parseIdx: ndim', opts.ndim, 1, 255)) {
    throw new DatasetError(`${what}: expected ${opts.ndim} dimension(s), the header declares ${ndim}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      `${what}: truncated header: ${ndim} dimension(s) need ${headerBytes} header bytes, got ${bytes.length}`,
    );
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + dims.reduce((a, d) => a * d, 1);
  if (bytes.length !== expected) {
    const kind = bytes.length < expected ? 'truncated' : 'over-long';
    const diff = Math.abs(expected - bytes.length);
    throw new DatasetError(
      `${what}: ${kind}: dims [${dims.join(', ')}] need ${expected} bytes (${headerBytes} header + ` +
        `${expected - headerBytes} data), got ${bytes.length} (${diff} ${bytes.length < expected ? 'missing' : 'extra'})`,
    );
  }
  return { dims, data: bytes.slice(headerBytes) };
}

/** Parses an unsigned-byte IDX file, gzipped (detected by the magic 1f 8b) or not. */
export async function parseIdx(bytes: Uint8Array | ArrayBuffer, options?: ParseIdxOptions): Promise<IdxArray> {
  if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
    throw new DatasetError('parseIdx: expected a Uint8Array or an ArrayBuffer (use loadIdx for paths and URLs)');
  }
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  return parseIdxSync(await maybeGunzip(u8, options?.name ?? 'IDX data'), options);
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
