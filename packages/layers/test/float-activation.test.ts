import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, calibrate, convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { Dense, Sigmoid, Tanh } from '@qatjs/layers';
import { loadDigits, type DigitsSet } from '@qatjs/datasets';
import { runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { compareLogits } from '@qatjs/test-models';

// Sigmoid and tanh between quantized layers: the integer model runs them in float32 between a
// dequantize and a quantize (the runtime's SIMD float kernels), over a run-time sequence length.
// Each digit is a sequence of rows of 8 pixels; the model sees 8 rows or the first 5.
const F = 8;

describe('Sigmoid and Tanh', () => {
  let digits: DigitsSet;
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await initBackend('wasm');
    digits = await loadDigits();
  });

  it('compute tf.sigmoid and tf.tanh before prepare(), and validate their input', () => {
    const x = tf.tensor([[-3, -0.5, 0, 0.5, 3]]);
    expect(Array.from(new Sigmoid().forward(x).dataSync())).toEqual(Array.from(tf.sigmoid(x).dataSync()));
    expect(Array.from(new Tanh().forward(x).dataSync())).toEqual(Array.from(tf.tanh(x).dataSync()));
    expect(() => new Sigmoid().forward(tf.tensor([1], [1], 'int32'))).toThrow(/Sigmoid: input must be a float32 tf.Tensor, got int32/);
    expect(() => new Tanh({ axis: 3 }).forward(x)).toThrow(/Tanh: axis 3 is out of range for input \[1,5\]/);
    expect(() => new Tanh({ axis: -1 })).toThrow(/Tanh: axis must be/);
    expect(new Sigmoid().quantPoints()).toEqual([{ name: 'output', role: 'activation', nonNegative: true }]);
  });

  it('convert to dequantize -> sigmoid/tanh -> quantize; the int runtime follows the fake-quant model at two sequence lengths', async () => {
    const model = new Sequential([
      new Dense({ inFeatures: F, units: 16, rank: 3, seed: 1 }),
      new Tanh(),
      new Dense({ inFeatures: 16, units: 16, rank: 3, seed: 2 }),
      new Sigmoid(),
      new Dense({ inFeatures: 16, units: 10, rank: 3, seed: 3 }),
    ]);
    prepare(model, 'w8a8', { onWarning: () => {} });
    const rows = (from: number, n: number, t: number) => {
      const out = new Float32Array(n * t * F);
      for (let i = 0; i < n; i++) out.set(digits.x.subarray((from + i) * 64, (from + i) * 64 + t * F), i * t * F);
      return out;
    };
    const calibration = [tf.tensor(rows(0, 256, 8), [256, 8, F])];
    await calibrate(model, calibration);
    tf.dispose(calibration);

    const ir = convert(model, { inputs: [{ name: 'input', shape: [-2, F], dtype: 'float32' }], floatOutput: false });
    expect(ir.nodes.map((n) => n.op)).toEqual(['quantize', 'gemm', 'dequantize', 'tanh', 'quantize', 'gemm', 'dequantize', 'sigmoid', 'quantize', 'gemm']);
    const out = ir.values.find((v) => v.name === ir.outputs[0]);
    expect(out?.shape).toEqual([-1, -2, 10]);
    if (!out?.quant) throw new Error('int8 output expected');
    const session = await loadSession(ir);
    model.eval();
    try {
      for (const t of [8, 5]) {
        const n = 100;
        const x = rows(1000, n, t);
        const fake = tf.tidy(() => Float32Array.from(model.forward(tf.tensor(x, [n, t, F])).dataSync()));
        const shaped = { data: x, shape: [n, t, F] };
        const codes = session.run({ input: shaped })[ir.outputs[0]] as Int8Array;
        const reference = runReference(ir, { input: shaped })[ir.outputs[0]] as Int8Array;
        // float kernels are specified to 4 ulp of the reference: a rounding tie may land one code apart
        let worstVsReference = 0;
        for (let i = 0; i < codes.length; i++) worstVsReference = Math.max(worstVsReference, Math.abs(codes[i] - reference[i]));
        expect(worstVsReference).toBeLessThanOrEqual(1);
        const cmp = compareLogits(fake, codes, 10, out.quant.scale[0], out.quant.zeroPoint[0]);
        expect(cmp.worstQuanta).toBeLessThanOrEqual(1 + 1e-3);
        expect(cmp.sameArgmax).toBeGreaterThanOrEqual(0.99 * n * t);
      }
    } finally {
      session.dispose();
      model.dispose();
    }
  });
});
