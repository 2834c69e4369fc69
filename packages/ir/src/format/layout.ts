import { crc32 } from '../crc32.ts';
import { IntModelError } from '../errors.ts';

// The container of an IntModel file (all integers little-endian):
//
//   offset  size  field
//   0       8     magic: 0x89 'Q' 'A' 'T' 'I' 'R' 0x0D 0x0A
//   8       4     format version (u32) = 3
//   12      4     header length H in bytes (u32), at most LIMITS.maxHeaderBytes
//   16      4     CRC-32 (IEEE, crc32.ts) of every other byte of the file: bytes [0, 16), then
//                 [20, end) (header, padding, buffers and quant tables). decodeModel checks it before
//                 anything else after the magic and the version.
//   20      H     header: UTF-8 JSON (header.ts)
//   20 + H  ...   zero bytes up to D = the next multiple of 16: the data section starts at D
//   D       ...   constant buffers, in constant order, each at a 16-byte aligned offset (relative to D)
//                 right after the previous one, zero bytes between;
//           ...   then, at the next 16-byte aligned offset (if any quant params are stored), the quant
//                 tables: every stored scale as a float32, then every stored zero point as one code
//                 of its tensor's dtype (int8 for int8/int4/int2, uint8, int16, int32), in the order
//                 of the header's entries (header.ts). The file ends there.
//
// Version 1 had no CRC field (a 16-byte preamble, the header at 16); version 2 had the CRC but wrote
// scales and zero points as JSON numbers and stored derivable fields. Both are refused with a message
// that names the versions and says how to make a new file (container.ts).

export const MAGIC = Uint8Array.of(0x89, 0x51, 0x41, 0x54, 0x49, 0x52, 0x0d, 0x0a);
export const FORMAT_VERSION = 3;
/** Magic, version, header length and CRC-32: the header starts here. */
export const PREAMBLE_BYTES = 20;
/** Where the CRC-32 is stored (4 bytes, little-endian); it covers every byte but these four. */
export const CRC_OFFSET = 16;
/** Buffers start at multiples of this (relative to the data section, which is itself aligned). */
export const BUFFER_ALIGN = 16;

export function alignUp(n: number): number {
  return Math.ceil(n / BUFFER_ALIGN) * BUFFER_ALIGN;
}

/** The CRC-32 stored at CRC_OFFSET: of bytes [0, CRC_OFFSET) and [CRC_OFFSET + 4, end). Needs bytes.length >= PREAMBLE_BYTES. */
export function fileCrc(bytes: Uint8Array): number {
  return crc32(bytes.subarray(CRC_OFFSET + 4), crc32(bytes.subarray(0, CRC_OFFSET)));
}

/** Typed-array views of the file's bytes are read as little-endian; refuse to run elsewhere. */
export function requireLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new IntModelError('platform', 'IntModel files are little-endian; this platform is big-endian');
  }
}
