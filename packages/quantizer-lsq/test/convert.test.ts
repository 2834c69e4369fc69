// LSQ and LSQ+ keep convert()'s contract (docs/guides/writing-a-quantizer.md): affine grids whose
// eval-mode fake-quantized weights are the codes re-rounded from qparams(); LSQ+ weights carry their
// learned zero points into the integer model, which matches the fake-quant model within one quantum.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, calibrate, convert, prepare, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-lsq';
import { runReference } from '@qatjs/ir';
import { LoweredDense, compareLogits } from '@qatjs/test-models';
import { randomNormal, useBackend } from '@qatjs/test-utils';

const rule = (quantizer: string, bits: number): Recipe => ({
  rules: [{ match: '*', weight: { quantizer, bits, perChannel: true }, input: { quantizer, bits }, output: { quantizer, bits } }],
});

describe('LSQ and LSQ+ convert', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  for (const [quantizer, bits] of [['lsq', 4], ['lsq+', 8], ['lsq+', 4]] as const) {
    it(`${quantizer} W${bits}A${bits}: the int model equals the fake-quant model within 1 output quantum, same argmax`, async () => {
      const m = new Sequential([new LoweredDense(10, 12, true, 21, 0.04), new LoweredDense(12, 4, false, 23, 0.04)]);
      prepare(m, rule(quantizer, bits), { onWarning: () => {} });
      const n = 48;
      const x = tf.tensor(randomNormal(n * 10, 25), [n, 10]);
      await calibrate(m, [x]);
      m.eval();
      const ir = convert(m, { inputShape: [10], floatOutput: false });
      if (quantizer === 'lsq+') expect(ir.constants.find((c) => c.name === '0.weight')?.quant?.zeroPoint.some((z) => z !== 0)).toBe(true);
      const got = runReference(ir, { input: x.dataSync() as Float32Array })[ir.outputs[0]];
      const out = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
      const fake = tf.tidy(() => m.forward(x).dataSync());
      const cmp = compareLogits(fake, got, 4, out?.scale[0] ?? NaN, out?.zeroPoint[0] ?? NaN);
      expect(cmp.worstQuanta).toBeLessThanOrEqual(1 + 1e-6);
      expect(cmp.sameArgmax).toBe(n);
      x.dispose();
      m.dispose();
    });
  }
});
