import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModelBuilder, decodeModel, encodeModel, makeQuant, validateModel, type IntModel } from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';
import { bitsOf, expectSameModel } from './helpers.ts';

describe('encodeModel / decodeModel round trip', () => {
  for (const weights of ['int8', 'int4'] as const) {
    it(`gives back the LeNet model (${weights} weights) exactly`, () => {
      const model = buildLenet(7, weights);
      const bytes = encodeModel(model);
      const back = decodeModel(bytes);
      expectSameModel(back, model);
      validateModel(back);
    });

    it(`re-encodes a decoded file to the same bytes (${weights})`, () => {
      const bytes = encodeModel(buildLenet(11, weights));
      expect(bitsOf(encodeModel(decodeModel(bytes)))).toEqual(bitsOf(bytes));
    });
  }

  it('decodes from an ArrayBuffer and from a Uint8Array at an odd offset into its buffer', () => {
    const bytes = encodeModel(buildLenet(3));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    expectSameModel(decodeModel(view), decodeModel(bytes.slice().buffer));
  });

  it('decodes a Node Buffer from a shared pool (its slice() does not copy)', () => {
    const bytes = encodeModel(buildLenet(3));
    const pool = Buffer.alloc(bytes.length + 5);
    Buffer.from(bytes).copy(pool, 5);
    expectSameModel(decodeModel(pool.subarray(5)), decodeModel(bytes));
  });

  it('decodes from a SharedArrayBuffer', () => {
    const bytes = encodeModel(buildLenet(4));
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
    shared.set(bytes);
    expectSameModel(decodeModel(shared), decodeModel(bytes));
  });

  it('returns constants that do not alias the file bytes', () => {
    const bytes = encodeModel(buildLenet(5));
    const model = decodeModel(bytes);
    const before = bitsOf(model.constants[0].data);
    bytes.fill(0);
    expect(bitsOf(model.constants[0].data)).toEqual(before);
  });

  it('keeps every float32 scale bit for bit, the smallest normal and the largest float included', () => {
    const fround = Math.fround;
    const float32s = fc.float({ min: fround(2 ** -126), max: fround(3.4028234663852886e38), noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(float32s, float32s, fc.integer({ min: -128, max: 127 }), (s1, s2, zp) => {
        const b = new ModelBuilder();
        const x = b.input('x', 'float32', [2, 3]);
        const q = b.quantize(x, { dtype: 'int8', quant: makeQuant({ scale: s1, zeroPoint: zp }) });
        const r = b.reshape(q, [3, 2]);
        const y = b.dequantize(r);
        b.output(y);
        const model: IntModel = b.build();
        const back = decodeModel(encodeModel(model));
        expect(bitsOf(back.values[1].quant!.scale)).toEqual(bitsOf(Float32Array.of(s1)));
        expect(back.values[1].quant!.zeroPoint[0]).toBe(zp);
        // the second scale goes through a per-channel weight
        const c = new ModelBuilder();
        const cx = c.input('x', 'int8', [1, 2], makeQuant({ scale: 1 }));
        const w = c.constant({ name: 'w', dtype: 'int8', shape: [2, 2], data: Int8Array.of(1, -1, 2, -2), quant: makeQuant({ scale: [s2, s1], axis: 1 }) });
        c.output(cx);
        const cm = c.build();
        expect(w).toBe('w');
        expect(bitsOf(decodeModel(encodeModel(cm)).constants[0].quant!.scale)).toEqual(bitsOf(Float32Array.of(s2, s1)));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
