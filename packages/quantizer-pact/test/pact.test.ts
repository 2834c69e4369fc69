import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MIN_SCALE,
  NonFiniteError,
  QuantizerOptionError,
  RecipeError,
  createQuantizer,
  getQuantizerPlugin,
  prepare,
  type QuantPoint,
  type QuantizeContext,
} from '@qatjs/core';
import { pactQuantizer, type PactQuantizer } from '@qatjs/quantizer-pact';
import { loadDigits, trainTestSplit, type TrainTestSplit } from '@qatjs/datasets';
import { Mlp, trainClassifier } from '@qatjs/test-models';
import { BACKENDS, randomNormal, randomUniform, useBackend } from '@qatjs/test-utils';

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const EVAL: QuantizeContext = { training: false, observe: false, fakeQuant: true };
const reluOutput: QuantPoint = {
  name: 'output', role: 'activation', path: 'fc1', layerKind: 'Dense', label: 'fc1/output', shape: [4], channelAxis: 1, nonNegative: true,
};
const pact = (options: Record<string, unknown>) => createQuantizer('pact', options, reluOutput) as PactQuantizer;
const alphaOf = (q: PactQuantizer) => q.alpha.dataSync()[0];

for (const backend of BACKENDS) {
  describe(`PACT quantizer (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it("registers itself as 'pact' on import, with PACT's alpha = 10 by default", () => {
      expect(getQuantizerPlugin('pact')).toBe(pactQuantizer);
      const q = pact({ bits: 4 });
      expect(alphaOf(q)).toBe(10);
      expect(q.spec).toEqual({ bits: 4, signed: false, symmetric: true });
      expect(q.variables).toEqual([q.alpha]);
      q.dispose();
    });

    it('holds no tensor but alpha, and frees it on dispose', () => {
      const before = tf.memory().numTensors;
      const q = pact({ bits: 4, alpha: 2, l2: 0.1 });
      expect(tf.memory().numTensors).toBe(before + 1);
      tf.tidy(() => {
        q.apply(tf.ones([2, 4]), TRAIN);
      });
      q.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects bad options and points with errors naming the plugin and the option', () => {
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ bits: 4, alpha: 0 }, /quantizer 'pact': option 'alpha' must be a finite number > 0, got 0/],
        [{ bits: 4, alpha: -2 }, /option 'alpha' must be a finite number > 0, got -2/],
        [{ bits: 4, alpha: Infinity }, /option 'alpha' must be a finite number > 0, got Infinity/],
        [{ bits: 4, alpha: '6' }, /option 'alpha' must be a finite number > 0, got "6"/],
        [{ bits: 4, l2: -1e-4 }, /quantizer 'pact': option 'l2' must be a finite number >= 0, got -0.0001/],
        [{ bits: 1 }, /quantizer 'pact': option 'bits' must be an integer in 2\.\.16, got 1/],
        [{ alpha: 6 }, /quantizer 'pact': option 'bits' is required/],
        [{ bits: 4, perChannel: true }, /quantizer 'pact': unknown option 'perChannel' \(known options: bits, alpha, l2\)/],
      ];
      for (const [options, message] of bad) {
        expect(() => pact(options)).toThrow(QuantizerOptionError);
        expect(() => pact(options)).toThrow(message);
      }
      const weight: QuantPoint = { name: 'weight', role: 'weight', path: 'fc1', layerKind: 'Dense', label: 'fc1/weight', shape: [4, 4] };
      expect(() => createQuantizer('pact', { bits: 4 }, weight)).toThrow(/quantizer 'pact' at 'fc1\/weight': PACT clips to \[0, alpha\].*this point is a weight/);
      expect(() => createQuantizer('pact', { bits: 4 }, { ...reluOutput, nonNegative: false })).toThrow(/an activation that may be negative/);
      // through a recipe: the last layer's logits are not non-negative
      const model = new Mlp([4, 3, 2], 1);
      expect(() => prepare(model, { rules: [{ match: '*', output: { quantizer: 'pact', bits: 4 } }] })).toThrow(RecipeError);
      expect(() => prepare(model, { rules: [{ match: '*', output: { quantizer: 'pact', bits: 4 } }] })).toThrow(/point 'fc2\/output'/);
      model.dispose();
    });

    it('regularizationLoss() is l2 * alpha^2 with gradient 2 * l2 * alpha; none without l2 or once frozen', () => {
      expect(pact({ bits: 4, alpha: 2 }).regularizationLoss()).toBeUndefined();
      const q = pact({ bits: 4, alpha: 2, l2: 0.25 });
      const loss = q.regularizationLoss();
      expect(loss?.dataSync()[0]).toBe(1);
      loss?.dispose();
      const { grads } = tf.variableGrads(() => q.regularizationLoss() as tf.Scalar, [q.alpha]);
      expect(grads[q.alpha.name].dataSync()[0]).toBe(1);
      tf.dispose(grads);
      q.freeze();
      expect(q.regularizationLoss()).toBeUndefined();
      q.dispose();
    });

    it('learns alpha: it grows when clipping costs more than rounding', () => {
      const q = pact({ bits: 4, alpha: 1 });
      const x = tf.tensor2d(randomUniform(256, 1, 0, 3), [64, 4]);
      const mse = () => tf.tidy(() => tf.mean(tf.square(tf.sub(q.apply(x, TRAIN), x))) as tf.Scalar);
      const first = tf.tidy(() => mse().dataSync()[0]);
      const opt = tf.train.adam(0.05);
      for (let i = 0; i < 60; i++) tf.dispose(opt.minimize(mse, true, [q.alpha]) ?? []);
      expect(alphaOf(q)).toBeGreaterThan(2.5);
      expect(tf.tidy(() => mse().dataSync()[0])).toBeLessThan(0.1 * first);
      tf.dispose(x);
      opt.dispose();
      q.dispose();
    });

    it('freeze() stops updates; state() / load() round-trip through JSON exactly', () => {
      const a = pact({ bits: 3, alpha: 1 });
      a.alpha.assign(tf.scalar(1.2345678));
      a.freeze();
      expect(a.alpha.trainable).toBe(false);
      const json = JSON.stringify(a.state());
      const b = pact({ bits: 3 });
      b.load(JSON.parse(json));
      expect(JSON.stringify(b.state())).toBe(json);
      expect(b.frozen).toBe(true);
      const x = tf.tensor2d(randomNormal(20, 2), [5, 4]);
      expect(tf.tidy(() => Array.from(b.apply(x, EVAL).dataSync()))).toEqual(tf.tidy(() => Array.from(a.apply(x, EVAL).dataSync())));
      expect(() => b.load({ quantizer: 'lsq', frozen: false, data: { alpha: 1 } })).toThrow(/at 'fc1\/output': not a 'pact' state/);
      expect(() => b.load({ quantizer: 'pact', frozen: false, data: { alpha: 0 } })).toThrow(/data.alpha must be a finite number > 0, got 0/);
      expect(alphaOf(b)).toBe(alphaOf(a)); // a rejected state changes nothing
      tf.dispose(x);
      a.dispose();
      b.dispose();
    });

    it('keeps alpha positive, and stops with an error naming the point when it is not finite', () => {
      const q = pact({ bits: 2, alpha: 1 });
      q.alpha.assign(tf.scalar(-0.5)); // an optimizer step overshooting zero
      expect(q.qparams().scale[0]).toBe(Math.fround(Math.fround(3 * MIN_SCALE) / 3));
      q.alpha.assign(tf.scalar(NaN));
      expect(() => tf.tidy(() => q.apply(tf.ones([1, 4]), TRAIN))).toThrow(NonFiniteError);
      expect(() => tf.tidy(() => q.apply(tf.ones([1, 4]), TRAIN))).toThrow(/quantizer 'pact' at 'fc1\/output': the learned clipping level alpha is NaN/);
      expect(() => q.state()).toThrow(NonFiniteError);
      q.dispose();
    });

    it('refuses NaN and Infinity in its input like every other quantizer, without leaking (#15 item 7)', () => {
      const q = pact({ bits: 4, alpha: 2 });
      const before = tf.memory().numTensors;
      for (const bad of [NaN, Infinity, -Infinity]) {
        const x = tf.tensor2d([[0.5, bad, 1, 3]]);
        expect(() => tf.tidy(() => q.apply(x, TRAIN))).toThrow(NonFiniteError);
        expect(() => tf.tidy(() => q.apply(x, EVAL))).toThrow(/quantizer 'pact' at 'fc1\/output': input contains NaN or Infinity/);
        x.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      const empty = tf.zeros([0, 4]);
      expect(tf.tidy(() => q.apply(empty, TRAIN).shape)).toEqual([0, 4]);
      tf.dispose(empty);
      q.dispose();
    });

    it('passes x through when fake quantization is off', () => {
      const q = pact({ bits: 2, alpha: 1 });
      const x = tf.tensor2d([[0.3, 5, -1, 0.7]]);
      expect(q.apply(x, { training: true, observe: true, fakeQuant: false })).toBe(x);
      x.dispose();
      q.dispose();
    });

    describe('in a training loop on sklearn digits', () => {
      let data: TrainTestSplit;
      beforeAll(async () => {
        data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
      });

      const alphasAfter = (l2: number, onStep?: (step: number) => void) => {
        const model = new Mlp([64, 32, 10], 3);
        prepare(model, { rules: [{ match: 'fc1', output: { quantizer: 'pact', bits: 4, alpha: 4, l2 } }] });
        trainClassifier(model, data.train, { steps: 30, batchSize: 64, learningRate: 1e-2, seed: 1, ...(onStep ? { onStep } : {}) });
        const alpha = alphaOf(model.layers[0].getQuantizer('output') as PactQuantizer);
        model.dispose();
        return alpha;
      };

      it("trainClassifier adds regularizationLoss(): L2 pulls alpha down; tensor counts stay flat", () => {
        const counts: number[] = [];
        const withL2 = alphasAfter(0.5, () => counts.push(tf.memory().numTensors));
        const without = alphasAfter(0);
        expect(withL2).toBeLessThan(without - 0.2);
        expect(new Set(counts.slice(1)).size).toBe(1);
      });
    });
  });
}
