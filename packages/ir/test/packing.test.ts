import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byteLength, constantCodes, packCodes, unpackCodes } from '@qatjs/ir';
import { expectModelError } from './helpers.ts';

describe('int4 / int2 packing', () => {
  it('puts element 0 in the low bits, in two\'s complement', () => {
    expect(Array.from(packCodes('int4', [1, -1]))).toEqual([0xf1]);
    expect(Array.from(packCodes('int4', [-8, 7, 3]))).toEqual([0x78, 0x03]);
    expect(Array.from(packCodes('int2', [0, 1, -2, -1, 1]))).toEqual([0b11100100, 0b01]);
    expect(byteLength('int4', 3)).toBe(2);
    expect(byteLength('int2', 5)).toBe(2);
    expect(byteLength('int32', 5)).toBe(20);
  });
  it('unpacks what it packs', () => {
    for (const [dtype, lo, hi] of [['int4', -8, 7], ['int2', -2, 1]] as const) {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: lo, max: hi }), { maxLength: 64 }), (codes) => {
          const packed = packCodes(dtype, codes);
          expect(packed.length).toBe(byteLength(dtype, codes.length));
          expect(Array.from(unpackCodes(dtype, packed, codes.length))).toEqual(codes);
          expect(Array.from(constantCodes(dtype, packed, codes.length))).toEqual(codes);
        }),
        { numRuns: 200, seed: 3 },
      );
    }
  });
  it('rejects codes outside the range and counts that do not fit', () => {
    expectModelError(() => packCodes('int4', [0, 8]), 'codes[1]', /8 is not a int4 code \(-8\.\.7\)/);
    expectModelError(() => packCodes('int2', [0.5]), 'codes[0]', /not a int2 code/);
    expectModelError(() => packCodes('int8' as 'int4', [0]), 'dtype', /only int4 and int2 are packed/);
    expectModelError(() => unpackCodes('int4', new Uint8Array(1), 3), 'count', /3 int4 codes do not fit in 1 bytes/);
    expectModelError(() => constantCodes('float32', new Float32Array(1), 1), 'dtype', /no quantized codes/);
  });
  it('returns int8/uint8 codes as they are', () => {
    const codes = Int8Array.of(-3, 4);
    expect(constantCodes('int8', codes, 2)).toBe(codes);
  });
});
