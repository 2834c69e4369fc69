// int4 / int2 packing: low bits first, two's complement, round trip and exact byte layout.
import { describe, expect, it } from 'vitest';
import { packedLowBitBytes, packLowBit, unpackLowBit } from '@qatjs/backend-wasm';

describe('packed int4 / int2 weights', () => {
  it('int4: element 0 in the low nibble, two\'s complement', () => {
    expect([...packLowBit([1, -1, -8, 7, 3], 4)]).toEqual([0xf1, 0x78, 0x03]);
    expect([...unpackLowBit(Uint8Array.of(0xf1, 0x78, 0x03), 4, 5)]).toEqual([1, -1, -8, 7, 3]);
  });

  it('int2: four to a byte, lowest bits first', () => {
    expect([...packLowBit([1, -1, -2, 0, 1], 2)]).toEqual([0b00101101, 0b01]);
    expect([...unpackLowBit(Uint8Array.of(0b00101101, 0b01), 2, 5)]).toEqual([1, -1, -2, 0, 1]);
  });

  it('round trips every value of every length', () => {
    for (const bits of [4, 2] as const) {
      const lo = -(1 << (bits - 1));
      const span = 1 << bits;
      for (let n = 0; n < 20; n++) {
        const v = Array.from({ length: n }, (_, i) => lo + ((i * 7) % span));
        const p = packLowBit(v, bits);
        expect(p.length).toBe(packedLowBitBytes(n, bits));
        expect([...unpackLowBit(p, bits, n)]).toEqual(v);
      }
    }
  });

  it('rejects values out of range and byte counts that do not match', () => {
    expect(() => packLowBit([8], 4)).toThrow(/not an int4/);
    expect(() => packLowBit([-3], 2)).toThrow(/not an int2/);
    expect(() => unpackLowBit(new Uint8Array(3), 4, 7)).toThrow(/7 int4 values take 4 bytes, got 3/);
  });
});
