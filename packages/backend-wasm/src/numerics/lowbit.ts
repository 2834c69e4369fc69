// Packed int4 / int2 weights: two's complement, lowest bits first (element 0 in the low nibble /
// the low two bits of byte 0). They are unpacked to int8 once, when an op packs its weights.
import { fail } from '../validate.ts';
import { valueText } from '../errors.ts';

export type LowBits = 4 | 2;

/** Weights as the ops take them: plain int8, or int4 / int2 packed into bytes. */
export type WeightData = Int8Array | { readonly bits: 8 | LowBits; readonly data: Uint8Array | Int8Array };

function checkBits(op: string, bits: unknown): LowBits {
  if (bits !== 4 && bits !== 2) fail(op, `bits must be 4 or 2, got ${valueText(bits)}`);
  return bits;
}

/** Bytes holding `count` values of `bits` bits. */
export function packedLowBitBytes(count: number, bits: LowBits): number {
  return Math.ceil((count * bits) / 8);
}

/** Unpacks `count` signed values of `bits` bits (low bits first) into int8. */
export function unpackLowBit(data: Uint8Array | Int8Array, bits: LowBits, count: number): Int8Array {
  checkBits('unpackLowBit', bits);
  if (!Number.isSafeInteger(count) || count < 0) fail('unpackLowBit', `count must be a non-negative integer, got ${count}`);
  const need = packedLowBitBytes(count, bits);
  if (data.length !== need) fail('unpackLowBit', `${count} int${bits} values take ${need} bytes, got ${data.length}`);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const v = ((data[(i / perByte) | 0] & 0xff) >> ((i % perByte) * bits)) & mask;
    out[i] = v >= sign ? v - (1 << bits) : v;
  }
  return out;
}

/** Packs int values in [-2^(bits-1), 2^(bits-1) - 1] (low bits first); the inverse of unpackLowBit. */
export function packLowBit(values: ArrayLike<number>, bits: LowBits): Uint8Array {
  checkBits('packLowBit', bits);
  const lo = -(1 << (bits - 1));
  const hi = (1 << (bits - 1)) - 1;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(packedLowBitBytes(values.length, bits));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < lo || v > hi) fail('packLowBit', `value ${i} = ${v} is not an int${bits} (in [${lo}, ${hi}])`);
    out[(i / perByte) | 0] |= (v & mask) << ((i % perByte) * bits);
  }
  return out;
}

/** The int8 values of `count` weights given in any WeightData form. */
export function weightValues(op: string, w: WeightData, count: number): Int8Array {
  if (w instanceof Int8Array) {
    if (w.length !== count) fail(op, `weights have ${w.length} values, the shape needs ${count}`);
    return w;
  }
  if (w === null || typeof w !== 'object' || !(w.data instanceof Uint8Array || w.data instanceof Int8Array)) {
    fail(op, 'weights must be an Int8Array or { bits: 8 | 4 | 2, data: Uint8Array }');
  }
  if (w.bits === 8) {
    if (w.data.length !== count) fail(op, `weights have ${w.data.length} values, the shape needs ${count}`);
    return new Int8Array(w.data.buffer, w.data.byteOffset, w.data.length);
  }
  const bits = checkBits(op, w.bits);
  const need = packedLowBitBytes(count, bits);
  if (w.data.length !== need) fail(op, `${count} int${bits} weights take ${need} bytes, got ${w.data.length}`);
  return unpackLowBit(w.data, bits, count);
}
