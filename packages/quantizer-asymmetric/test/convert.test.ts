// Asymmetric weights convert: the integer model stores the quantizer's codes with their zero points
// (per-tensor or per output channel) and computes acc = b + sum (x - z_x)(w - z_w[c]) (docs/numerics.md),
// equal to the fake-quant model within one output quantum, with the same argmax.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, calibrate, convert, prepare, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';
import { runReference, unpackCodes } from '@qatjs/ir';
import { LoweredDense, compareLogits } from '@qatjs/test-models';
import { randomNormal, tensorsLeaked, useBackend } from '@qatjs/test-utils';

const recipe = (bits: number, perChannel: boolean, signed: boolean): Recipe => ({
  rules: [
    { match: '*', weight: { quantizer: 'asymmetric', bits, perChannel, signed }, input: { quantizer: 'asymmetric', bits }, output: { quantizer: 'asymmetric', bits } },
  ],
});

describe('asymmetric weights convert', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  // an unsigned weight grid [0, 2^b - 1] is stored on the signed one, codes and zero points moved by 2^(b-1)
  for (const [bits, perChannel, signed] of [[8, true, true], [8, false, true], [4, true, true], [8, true, false]] as const) {
    it(`W${bits}A${bits} ${perChannel ? 'per-channel' : 'per-tensor'}${signed ? '' : ', unsigned weight grid'}: nonzero weight zero points stored, int model within 1 output quantum of the fake-quant model, same argmax`, async () => {
      const m = new Sequential([new LoweredDense(12, 16, true, 3, 0.05), new LoweredDense(16, 5, false, 7, 0.05)]);
      prepare(m, recipe(bits, perChannel, signed), { onWarning: () => {} });
      const n = 64;
      const x = tf.tensor(randomNormal(n * 12, 5), [n, 12]);
      await calibrate(m, [x]);
      m.eval();
      const leaked = tensorsLeaked(() => {
        const ir = convert(m, { inputShape: [12], floatOutput: false });
        const w = ir.constants.find((c) => c.name === '0.weight');
        expect(w?.quant?.zeroPoint.length).toBe(perChannel ? 16 : 1);
        expect(w?.quant?.zeroPoint.some((z) => z !== 0)).toBe(true);
        const codes = w?.dtype === 'int8' ? (w.data as Int8Array) : unpackCodes('int4', w?.data as Uint8Array, 12 * 16);
        expect(Math.min(...codes)).toBeGreaterThanOrEqual(-(2 ** (bits - 1)));
        expect(Math.max(...codes)).toBeLessThanOrEqual(2 ** (bits - 1) - 1);
        const got = runReference(ir, { input: x.dataSync() as Float32Array });
        const out = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
        const fake = tf.tidy(() => m.forward(x).dataSync());
        const cmp = compareLogits(fake, got[ir.outputs[0]], 5, out?.scale[0] ?? NaN, out?.zeroPoint[0] ?? NaN);
        expect(cmp.worstQuanta).toBeLessThanOrEqual(1 + 1e-6);
        expect(cmp.sameArgmax).toBe(n);
      });
      expect(leaked).toBe(0);
      x.dispose();
      m.dispose();
    });
  }
});
