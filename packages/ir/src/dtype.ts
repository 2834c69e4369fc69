import type { ActivationDType, ConstantData, DType } from './types.ts';

/**
 * Storage facts for each dtype.
 *
 * Packed weights (int4, int2): element i of the row-major tensor sits in byte floor(i / perByte) at
 * bit offset (i % perByte) * bitsPerElement, i.e. LOW BITS FIRST: for int4 element 0 is the low nibble
 * (bits 0-3) of byte 0 and element 1 its high nibble (bits 4-7); for int2 element 0 is bits 0-1,
 * element 3 bits 6-7. Each field holds the code in two's complement of its width: an int4 nibble n
 * means n < 8 ? n : n - 16 (0x0..0x7 -> 0..7, 0x8..0xF -> -8..-1); an int2 field f means
 * f < 2 ? f : f - 4 (0,1,-2,-1). When the element count is not a multiple of perByte, the unused
 * high bits of the last byte are zero. A file stores ceil(count / perByte) bytes.
 */
export interface DTypeInfo {
  readonly dtype: DType;
  /** Bits each element occupies in storage. */
  readonly storageBits: 2 | 4 | 8 | 16 | 32;
  /** Elements per byte for packed dtypes (2 for int4, 4 for int2); 1 otherwise (and for 32-bit types). */
  readonly perByte: 1 | 2 | 4;
  readonly signed: boolean;
  /** True for codes of a quantized grid (int8, uint8, int16, int4, int2). */
  readonly quantized: boolean;
  /** The `bits` a QuantParams on this dtype may have. */
  readonly minBits: number;
  readonly maxBits: number;
  /** The typed-array class that holds this dtype's stored bytes. */
  readonly arrayName: 'Int8Array' | 'Uint8Array' | 'Int16Array' | 'Int32Array' | 'Float32Array';
}

const TABLE: Readonly<Record<DType, DTypeInfo>> = {
  int8: { dtype: 'int8', storageBits: 8, perByte: 1, signed: true, quantized: true, minBits: 2, maxBits: 8, arrayName: 'Int8Array' },
  uint8: { dtype: 'uint8', storageBits: 8, perByte: 1, signed: false, quantized: true, minBits: 2, maxBits: 8, arrayName: 'Uint8Array' },
  int16: { dtype: 'int16', storageBits: 16, perByte: 1, signed: true, quantized: true, minBits: 2, maxBits: 16, arrayName: 'Int16Array' },
  int4: { dtype: 'int4', storageBits: 4, perByte: 2, signed: true, quantized: true, minBits: 2, maxBits: 4, arrayName: 'Uint8Array' },
  int2: { dtype: 'int2', storageBits: 2, perByte: 4, signed: true, quantized: true, minBits: 2, maxBits: 2, arrayName: 'Uint8Array' },
  int32: { dtype: 'int32', storageBits: 32, perByte: 1, signed: true, quantized: false, minBits: 32, maxBits: 32, arrayName: 'Int32Array' },
  float32: { dtype: 'float32', storageBits: 32, perByte: 1, signed: true, quantized: false, minBits: 0, maxBits: 0, arrayName: 'Float32Array' },
};

export const DTYPES: readonly DType[] = Object.keys(TABLE) as DType[];
export const ACTIVATION_DTYPES: readonly ActivationDType[] = ['int8', 'uint8', 'int16', 'int32', 'float32'];

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && Object.hasOwn(TABLE, v);
}

export function isActivationDType(v: unknown): v is ActivationDType {
  return v === 'int8' || v === 'uint8' || v === 'int16' || v === 'int32' || v === 'float32';
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  return TABLE[dtype];
}

/** Bytes that `count` elements of `dtype` occupy in storage (packed dtypes round up to whole bytes). */
export function byteLength(dtype: DType, count: number): number {
  const info = TABLE[dtype];
  if (info.storageBits >= 8) return count * (info.storageBits / 8);
  return Math.ceil(count / info.perByte);
}

/** Number of stored typed-array elements (not tensor elements) that `count` elements take. */
export function storedLength(dtype: DType, count: number): number {
  return TABLE[dtype].storageBits >= 16 ? count : byteLength(dtype, count);
}

/** The integer grid of `bits`-bit codes: signed [-2^(b-1), 2^(b-1)-1], unsigned [0, 2^b-1]. */
export function codeRange(bits: number, signed: boolean): { qmin: number; qmax: number } {
  if (signed) return { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
  return { qmin: 0, qmax: 2 ** bits - 1 };
}

/** True when `data` is the typed-array class that stores `dtype`. */
export function hasStorageClass(dtype: DType, data: unknown): data is ConstantData {
  switch (TABLE[dtype].arrayName) {
    case 'Int8Array':
      return data instanceof Int8Array;
    case 'Uint8Array':
      return data instanceof Uint8Array;
    case 'Int16Array':
      return data instanceof Int16Array;
    case 'Int32Array':
      return data instanceof Int32Array;
    case 'Float32Array':
      return data instanceof Float32Array;
  }
}
