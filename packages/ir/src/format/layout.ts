import { IntModelError } from '../errors.ts';

// The container of an IntModel file (all integers little-endian):
//
//   offset  size  field
//   0       8     magic: 0x89 'Q' 'A' 'T' 'I' 'R' 0x0D 0x0A
//   8       4     format version (u32) = 1
//   12      4     header length H in bytes (u32), at most LIMITS.maxHeaderBytes
//   16      H     header: UTF-8 JSON (header.ts)
//   16 + H  ...   zero bytes up to D = the next multiple of 16: the data section starts at D
//   D       ...   constant buffers, in constant order, each at a 16-byte aligned offset (relative to D)
//                 right after the previous one, zero bytes between; the file ends at the last buffer.

export const MAGIC = Uint8Array.of(0x89, 0x51, 0x41, 0x54, 0x49, 0x52, 0x0d, 0x0a);
export const FORMAT_VERSION = 1;
export const PREAMBLE_BYTES = 16;
/** Buffers start at multiples of this (relative to the data section, which is itself aligned). */
export const BUFFER_ALIGN = 16;

export function alignUp(n: number): number {
  return Math.ceil(n / BUFFER_ALIGN) * BUFFER_ALIGN;
}

/** Typed-array views of the file's bytes are read as little-endian; refuse to run elsewhere. */
export function requireLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new IntModelError('platform', 'IntModel files are little-endian; this platform is big-endian');
  }
}
