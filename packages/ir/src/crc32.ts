// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF), the
// checksum of gzip, zip and PNG. Table-driven, one byte a step. The IntModel file format stores one
// (format/layout.ts); other packages import it from here for their own files.
import { IntModelError, describeValue } from './errors.ts';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * The CRC-32 of `bytes` as an unsigned 32-bit integer: `crc32(new TextEncoder().encode('123456789'))`
 * is 0xCBF43926. To checksum several pieces as one, pass the previous result:
 * `crc32(b, crc32(a))` equals the CRC-32 of a followed by b.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  if (!(bytes instanceof Uint8Array)) throw new IntModelError('crc32.bytes', `expected a Uint8Array, got ${describeValue(bytes)}`);
  if (!Number.isInteger(previous) || previous < 0 || previous > 0xffffffff) {
    throw new IntModelError('crc32.previous', `must be a CRC-32 (an integer in [0, 4294967295]), got ${describeValue(previous)}`);
  }
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
