import { IntModelError } from './errors.ts';
import { byteLength, codeRange, dtypeInfo } from './dtype.ts';
import type { ConstantData, DType } from './types.ts';

// Packing of int4 / int2 weight codes: low bits first, two's complement per field (see dtype.ts).

function packedWidth(dtype: DType): 2 | 4 {
  if (dtype === 'int4') return 4;
  if (dtype === 'int2') return 2;
  throw new IntModelError('dtype', `only int4 and int2 are packed, got ${dtype}`);
}

/** Packs signed codes (each in the dtype's range) into int4 or int2 bytes, low bits first. */
export function packCodes(dtype: 'int4' | 'int2', codes: ArrayLike<number>): Uint8Array {
  const width = packedWidth(dtype);
  const { qmin, qmax } = codeRange(width, true);
  const perByte = 8 / width;
  const mask = (1 << width) - 1;
  const out = new Uint8Array(byteLength(dtype, codes.length));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < qmin || c > qmax) {
      throw new IntModelError(`codes[${i}]`, `${String(c)} is not a ${dtype} code (${qmin}..${qmax})`);
    }
    out[Math.floor(i / perByte)] |= (c & mask) << ((i % perByte) * width);
  }
  return out;
}

/** Unpacks `count` signed codes from int4 or int2 bytes. */
export function unpackCodes(dtype: 'int4' | 'int2', bytes: Uint8Array, count: number): Int8Array {
  const width = packedWidth(dtype);
  if (!Number.isInteger(count) || count < 0 || byteLength(dtype, count) > bytes.length) {
    throw new IntModelError('count', `${String(count)} ${dtype} codes do not fit in ${bytes.length} bytes`);
  }
  const perByte = 8 / width;
  const mask = (1 << width) - 1;
  const half = 1 << (width - 1);
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const f = (bytes[Math.floor(i / perByte)] >> ((i % perByte) * width)) & mask;
    out[i] = f < half ? f : f - (1 << width);
  }
  return out;
}

/**
 * The codes of a quantized constant as one int8/uint8-valued array of `count` elements, whatever its
 * storage (int8, uint8, int4, int2). The runtime's weight packing starts here.
 */
export function constantCodes(dtype: DType, data: ConstantData, count: number): Int8Array | Uint8Array | Int16Array {
  if (dtype === 'int4' || dtype === 'int2') return unpackCodes(dtype, data as Uint8Array, count);
  if (!dtypeInfo(dtype).quantized) throw new IntModelError('dtype', `${dtype} holds no quantized codes`);
  return data as Int8Array | Uint8Array | Int16Array;
}
