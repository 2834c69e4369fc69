import { describe, expect, it } from 'vitest';
import { QatjsError, qrange, validateQuantSpec } from '@qatjs/core';

describe('qrange', () => {
  it('gives the signed, narrow and unsigned grids for every width 2..16', () => {
    for (let bits = 2; bits <= 16; bits++) {
      expect(qrange({ bits, signed: true, symmetric: true })).toEqual({ qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 });
      expect(qrange({ bits, signed: true, symmetric: true, narrowRange: true })).toEqual({
        qmin: -(2 ** (bits - 1)) + 1,
        qmax: 2 ** (bits - 1) - 1,
      });
      expect(qrange({ bits, signed: false, symmetric: false })).toEqual({ qmin: 0, qmax: 2 ** bits - 1 });
    }
    expect(qrange({ bits: 8, signed: true, symmetric: false })).toEqual({ qmin: -128, qmax: 127 });
    expect(qrange({ bits: 2, signed: true, symmetric: true, narrowRange: true })).toEqual({ qmin: -1, qmax: 1 });
  });
});

describe('validateQuantSpec', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ bits: 1, signed: true, symmetric: true }, /bits must be an integer in 2\.\.16, got 1/],
    [{ bits: 17, signed: true, symmetric: true }, /bits must be an integer in 2\.\.16, got 17/],
    [{ bits: 4.5, signed: true, symmetric: true }, /bits must be an integer/],
    [{ bits: '8', signed: true, symmetric: true }, /bits must be an integer.*got "8"/],
    [{ bits: 8, signed: 'yes', symmetric: true }, /signed must be a boolean/],
    [{ bits: 8, signed: true }, /symmetric must be a boolean, got undefined/],
    [{ bits: 8, signed: false, symmetric: true, narrowRange: true }, /narrowRange applies to signed specs only/],
    [{ bits: 8, signed: true, symmetric: true, axis: -1 }, /axis must be a non-negative integer/],
    [null, /expected an object/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${JSON.stringify(spec)}`, () => {
      expect(() => validateQuantSpec(spec as never)).toThrow(message);
      expect(() => validateQuantSpec(spec as never)).toThrow(QatjsError);
    });
  }

  it('accepts every valid width and an axis', () => {
    for (let bits = 2; bits <= 16; bits++) expect(() => validateQuantSpec({ bits, signed: false, symmetric: false, axis: 3 })).not.toThrow();
  });
});
