// The IDX header: two zero bytes, a type code, the number of dimensions d, then d big-endian uint32
// sizes. Read here once, both for a whole file (idx.ts) and for the first decompressed bytes of a
// gzipped one, to bound its decompression (gunzip.ts): the header says how long the file is.
import { DatasetError } from './errors.ts';

/**
 * The most data bytes (the product of the dims) an IDX file may declare: 1 GiB. EMNIST ByClass's
 * training images, the largest common IDX file, are about 547 MB.
 */
export const MAX_IDX_BYTES = 2 ** 30;

export interface IdxHeader {
  readonly dims: number[];
  /** 4 + 4 * dims.length */
  readonly headerBytes: number;
  /** The product of the dims (unsigned bytes: one byte an element). */
  readonly dataBytes: number;
}

export interface IdxHeaderOptions {
  readonly what: string;
  readonly ndim?: number | undefined;
  readonly maxBytes: number;
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
 * Reads and checks the header at the start of `bytes`. With `complete` (the whole file is there) too
 * few bytes are an error; without it (a prefix of a stream) the result is undefined until the header
 * is all there. Refuses wrong magic, other type codes, a wrong number of dimensions, a 0 dimension and
 * dims whose product exceeds `maxBytes`, naming the dimension.
 */
export function readIdxHeader(bytes: Uint8Array, opts: IdxHeaderOptions, complete: boolean): IdxHeader | undefined {
  const { what } = opts;
  if (bytes.length < 4) {
    if (!complete) return undefined;
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
  if (opts.ndim !== undefined && ndim !== opts.ndim) {
    throw new DatasetError(`${what}: expected ${opts.ndim} dimension(s), the header declares ${ndim}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    if (!complete) return undefined;
    throw new DatasetError(
      `${what}: truncated header: ${ndim} dimension(s) need ${headerBytes} header bytes, got ${bytes.length}`,
    );
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  let dataBytes = 1;
  dims.forEach((d, i) => {
    if (d === 0) {
      throw new DatasetError(`${what}: dimension ${i} of [${dims.join(', ')}] is 0: an IDX file with an empty dimension holds no data`);
    }
    dataBytes *= d; // at most maxBytes * (2^32 - 1) < 2^53 before the check below: exact
    if (dataBytes > opts.maxBytes) {
      throw new DatasetError(
        `${what}: dims [${dims.join(', ')}] declare more than ${opts.maxBytes} bytes of data ` +
          `(the limit; the product passes it at dimension ${i})`,
      );
    }
  });
  return { dims, headerBytes, dataBytes };
}
