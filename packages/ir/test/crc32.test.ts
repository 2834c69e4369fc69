import { describe, expect, it } from 'vitest';
import { IntModelError, crc32 } from '@qatjs/ir';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('gives the IEEE CRC-32 check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
  });
  it('continues from a previous CRC: pieces give the CRC of the whole', () => {
    const all = ascii('The quick brown fox jumps over the lazy dog');
    for (const cut of [0, 1, 9, 20, all.length]) {
      expect(crc32(all.subarray(cut), crc32(all.subarray(0, cut)))).toBe(crc32(all));
    }
  });
  it('reads views at their offset', () => {
    const big = ascii('xx123456789yy');
    expect(crc32(big.subarray(2, 11))).toBe(0xcbf43926);
  });
  it('rejects what is not bytes or not a CRC', () => {
    expect(() => crc32('123' as never)).toThrow(IntModelError);
    expect(() => crc32([1, 2] as never)).toThrow(/crc32\.bytes: expected a Uint8Array, got an array/);
    expect(() => crc32(ascii('1'), -1)).toThrow(/crc32\.previous/);
    expect(() => crc32(ascii('1'), 2 ** 32)).toThrow(/crc32\.previous/);
    expect(() => crc32(ascii('1'), 0.5)).toThrow(/crc32\.previous/);
  });
});
