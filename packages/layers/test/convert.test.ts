import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, Sequential, calibrate, convert, initBackend, prepare, type LoweredValue, type LoweringContext } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { Dense, Mul } from '@qatjs/layers';
import { loadDigits, type DigitsSet } from '@qatjs/datasets';
import { runReference } from '@qatjs/ir';
import { compareLogits } from '@qatjs/test-models';

// Rank-3 Dense and Mul converted and run by @qatjs/ir's reference interpreter, against the
// fake-quant model they came from: each digit as a sequence of 8 rows of 8 pixels.
const [T, F] = [8, 8];

/** y = a(x) * b(x): a gate, as recurrent and attention blocks have them. */
class Gated extends Module {
  readonly kind = 'Gated';
  readonly a: Dense;
  readonly b: Dense;
  readonly mul: Mul;
  constructor(width: number, seed: number) {
    super();
    this.a = this.registerModule('a', new Dense({ inFeatures: width, units: width, rank: 3, seed }));
    this.b = this.registerModule('b', new Dense({ inFeatures: width, units: width, rank: 3, activation: 'relu', seed: seed + 1 }));
    this.mul = this.registerModule('mul', new Mul({ rank: 3 }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.mul.forward(this.a.forward(x), this.b.forward(x)));
  }
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    return ctx.lowerChild('mul', this.mul, [ctx.lowerChild('a', this.a, inputs), ctx.lowerChild('b', this.b, inputs)]);
  }
}

describe('convert: rank-3 Dense and Mul agree with the fake-quant model', () => {
  let digits: DigitsSet;
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await initBackend('wasm');
    digits = await loadDigits();
  });

  for (const preset of ['w8a8', 'w4a8']) {
    it(`${preset}: gemm over [batch, 8, features] and an int8 mul, within 1 output quantum`, async () => {
      const model = new Sequential([
        new Dense({ inFeatures: F, units: 16, rank: 3, activation: 'relu', seed: 1 }),
        new Gated(16, 3),
        new Dense({ inFeatures: 16, units: 4, rank: 3, seed: 5 }),
      ]);
      prepare(model, preset, { onWarning: () => {} });
      const batch = (from: number, n: number) => tf.tensor(digits.x.subarray(from * T * F, (from + n) * T * F), [n, T, F]);
      const calibration = [batch(0, 128), batch(128, 128)];
      await calibrate(model, calibration);
      tf.dispose(calibration);

      const ir = convert(model, { inputShape: [T, F], floatOutput: false });
      expect(ir.nodes.map((n) => n.op)).toEqual(['quantize', 'gemm', 'gemm', 'gemm', 'mul', 'gemm']);
      const n = 64;
      const x = digits.x.slice(1000 * T * F, (1000 + n) * T * F);
      const codes = runReference(ir, { input: x })[ir.outputs[0]] as Int8Array;
      model.eval();
      const fake = tf.tidy(() => Float32Array.from(model.forward(tf.tensor(x, [n, T, F])).dataSync() as Float32Array));
      const out = ir.values.find((v) => v.name === ir.outputs[0]);
      expect(out?.shape).toEqual([-1, T, 4]);
      if (!out?.quant) throw new Error('the output has no quant params');
      const cmp = compareLogits(fake, codes, 4, out.quant.scale[0], out.quant.zeroPoint[0]);
      expect(cmp.worstQuanta).toBeLessThanOrEqual(1);
      expect(cmp.sameArgmax).toBe(n * T);
      model.dispose();
    });
  }
});
