// Asymmetric weights convert: the integer model stores the quantizer's codes with their zero points
// (per-tensor or per output channel) and computes acc = b + sum (x - z_x)(w - z_w[c]) (docs/numerics.md),
// equal to the fake-quant model within one output quantum.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, Sequential, calibrate, convert, fakeQuantizeBias, gridOf, prepare, type LoweredValue, type LoweringContext, type QuantPointDecl, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';
import { runReference, unpackCodes } from '@qatjs/ir';
import { randomNormal, tensorsLeaked, useBackend } from '@qatjs/test-utils';

/** y = relu?(x W + b): the bias on the accumulator's int32 grid, as the integer model adds it. */
class Linear extends Module {
  readonly kind = 'Linear';
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    readonly inFeatures: number,
    readonly units: number,
    readonly relu: boolean,
    seed: number,
  ) {
    super();
    // an offset, so the weights' ranges are lopsided and their zero points far from 0
    this.weight = this.registerParameter('weight', tf.tensor(randomNormal(inFeatures * units, seed, 0.4).map((v, i) => v + (i % units) * 0.05 + 0.1), [inFeatures, units]));
    this.bias = this.registerParameter('bias', tf.tensor(randomNormal(units, seed + 1, 0.1)));
  }
  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'input', role: 'activation', shape: [this.inFeatures], channelAxis: 1 },
      { name: 'weight', role: 'weight', shape: [this.inFeatures, this.units], channelAxis: 1, initialValue: () => this.weight },
      { name: 'output', role: 'activation', shape: [this.units], channelAxis: 1, nonNegative: this.relu },
    ];
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      const wq = this.quantize('weight', this.weight);
      const grid = gridOf(xq);
      const q = this.getQuantizer('weight');
      const b = grid && q ? fakeQuantizeBias(this.bias, grid.scale, q.qparams().scale) : this.bias;
      const y = tf.add(tf.matMul(xq as tf.Tensor2D, wq as tf.Tensor2D), b);
      return this.quantize('output', this.relu ? tf.relu(y) : y);
    });
  }
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.layerInput(this, inputs[0]);
    const w = ctx.weightConstant(this, this.weight, 1);
    const out = ctx.activationQuant(this, 'output');
    const bias = ctx.biasConstant(this.bias, x.quant as NonNullable<LoweredValue['quant']>, w.quant);
    const clamp = ctx.clampFor(out, this.relu ? 'relu' : 'none');
    return { name: ctx.builder.gemm(x.name, w.name, { bias, clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}

const recipe = (bits: number, perChannel: boolean): Recipe => ({
  rules: [
    { match: '*', weight: { quantizer: 'asymmetric', bits, perChannel }, input: { quantizer: 'asymmetric', bits }, output: { quantizer: 'asymmetric', bits } },
  ],
});

describe('asymmetric weights convert', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  for (const [bits, perChannel] of [[8, true], [8, false], [4, true]] as const) {
    it(`W${bits}A${bits} ${perChannel ? 'per-channel' : 'per-tensor'}: nonzero weight zero points stored, int model within 1 output quantum of the fake-quant model, same argmax`, async () => {
      const m = new Sequential([new Linear(12, 16, true, 3), new Linear(16, 5, false, 7)]);
      prepare(m, recipe(bits, perChannel), { onWarning: () => {} });
      const n = 64;
      const x = tf.tensor(randomNormal(n * 12, 5), [n, 12]);
      await calibrate(m, [x]);
      m.eval();
      const leaked = tensorsLeaked(() => {
        const ir = convert(m, { inputShape: [12] });
        const w = ir.constants.find((c) => c.name === '0.weight');
        expect(w?.quant?.zeroPoint.length).toBe(perChannel ? 16 : 1);
        expect(w?.quant?.zeroPoint.some((z) => z !== 0)).toBe(true);
        const codes = w?.dtype === 'int8' ? (w.data as Int8Array) : unpackCodes('int4', w?.data as Uint8Array, 12 * 16);
        expect(Math.min(...codes)).toBeGreaterThanOrEqual(-(2 ** (bits - 1)));
        expect(Math.max(...codes)).toBeLessThanOrEqual(2 ** (bits - 1) - 1);
        const got = runReference(ir, { input: x.dataSync() as Float32Array }).output;
        const want = tf.tidy(() => m.forward(x).dataSync());
        const step = m.namedQuantizers().find(([label]) => label === '1/output')?.[1].qparams().scale[0] ?? NaN;
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / step);
        expect(worst).toBeLessThanOrEqual(1 + 1e-6);
        const argmax = (d: ArrayLike<number>, r: number) => {
          const row = Array.from({ length: 5 }, (_, j) => d[r * 5 + j]);
          return row.indexOf(Math.max(...row));
        };
        let agree = 0;
        for (let r = 0; r < n; r++) agree += argmax(got, r) === argmax(want, r) ? 1 : 0;
        expect(agree).toBe(n);
      });
      expect(leaked).toBe(0);
      x.dispose();
      m.dispose();
    });
  }
});
