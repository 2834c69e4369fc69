import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  QatjsError,
  Sequential,
  type QuantPointDecl,
  QuantizerOptionError,
  RecipeError,
  createQuantizer,
  getQuantizerPlugin,
  prepare,
  unprepare,
  type QuantPoint,
  type QuantizeContext,
} from '@qatjs/core';
import { LSQ_PLUS, LearnedStepQuantizer, lsqPlusQuantizer, lsqQuantizer } from '@qatjs/quantizer-lsq';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
import { Dense, Mlp } from '@qatjs/test-models';
import { BACKENDS, randomNormal, randomUniform, refFakeQuantize, useBackend } from '@qatjs/test-utils';

/** A Dense whose weight point hands out a fresh tensor, as @qatjs/layers' BN-folding layers do. */
class FoldedDense extends Dense {
  override quantPoints(): QuantPointDecl[] {
    return super.quantPoints().map((p) => (p.name === 'weight' ? { ...p, initialValue: () => tf.clone(this.weight) } : p));
  }
}

const TRAIN: QuantizeContext = { training: true, observe: true, fakeQuant: true };
const EVAL: QuantizeContext = { training: false, observe: false, fakeQuant: true };

function weightPoint(w?: tf.Tensor): QuantPoint {
  return {
    name: 'weight', role: 'weight', path: 'fc1', layerKind: 'Dense', label: 'fc1/weight', shape: [16, 4], channelAxis: 1,
    ...(w ? { initialValue: () => w } : {}),
  };
}
const actPoint = (nonNegative = false, shape: number[] | null = [4]): QuantPoint => ({
  name: 'output', role: 'activation', path: 'fc1', layerKind: 'Dense', label: 'fc1/output', channelAxis: 1, nonNegative,
  ...(shape ? { shape } : {}),
});

/** 2 * mean(|v|) / sqrt(Qp) per column of a row-major [rows, cols] array, in float64. */
function refLsqInit(v: Float32Array, cols: number, qp: number): number[] {
  const sums = new Array<number>(cols).fill(0);
  v.forEach((x, i) => (sums[i % cols] += Math.abs(x)));
  return sums.map((s) => (2 * (s / (v.length / cols))) / Math.sqrt(qp));
}

function expectRel(got: ArrayLike<number>, want: number[], rel = 1e-6): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(rel * Math.abs(w)));
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

for (const backend of BACKENDS) {
  describe(`LSQ and LSQ+ quantizers (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it(`registers 'lsq' and '${LSQ_PLUS}' on import`, () => {
      expect(getQuantizerPlugin('lsq')).toBe(lsqQuantizer);
      expect(getQuantizerPlugin(LSQ_PLUS)).toBe(lsqPlusQuantizer);
    });

    it('initializes weight steps at creation from the point\'s initial value: s0 = 2 mean|w| / sqrt(Qp), per channel', () => {
      const data = randomNormal(64, 1, 0.3);
      const w = tf.tensor2d(data, [16, 4]);
      const q = createQuantizer('lsq', { bits: 4, perChannel: true }, weightPoint(w)) as LearnedStepQuantizer;
      expect(q.initialized).toBe(true);
      expect(q.spec).toEqual({ bits: 4, signed: true, symmetric: true, narrowRange: false, axis: 1 });
      expectRel(q.qparams().scale, refLsqInit(data, 4, 7)); // 4-bit signed: Qp = 7
      expect(Array.from(q.qparams().zeroPoint)).toEqual([0, 0, 0, 0]);
      const pt = createQuantizer('lsq', { bits: 2 }, weightPoint(w));
      expectRel(pt.qparams().scale, refLsqInit(data, 1, 1)); // 2-bit signed: Qp = 1
      tf.dispose(w);
      q.dispose();
      pt.dispose();
    });

    it('initializes activation steps at the first apply that may observe, not before and not again', () => {
      const q = createQuantizer('lsq', { bits: 3 }, actPoint(true));
      expect(q.spec.signed).toBe(false); // after ReLU: codes 0..7
      const x1 = tf.tensor2d(randomNormal(32, 2).map(Math.abs), [8, 4]);
      expect(() => tf.tidy(() => q.apply(x1, EVAL))).toThrow(/quantizer 'lsq' at 'fc1\/output': step size not initialized yet/);
      expect(() => q.qparams()).toThrow(/at 'fc1\/output': has no step size yet/);
      // a float warm-up step (fake quantization off) still initializes: it may observe
      const y = q.apply(x1, { training: true, observe: true, fakeQuant: false });
      expect(y).toBe(x1);
      expectRel(q.qparams().scale, refLsqInit(x1.dataSync() as Float32Array, 1, 7));
      const before = q.qparams().scale[0];
      tf.tidy(() => q.apply(tf.mul(x1, 10), TRAIN));
      expect(q.qparams().scale[0]).toBe(before);
      tf.dispose(x1);
      q.dispose();
    });

    it('per-channel activations: a channel that is all zero in the first batch takes the tensor-wide step', () => {
      const q = createQuantizer('lsq', { bits: 2, perChannel: true }, actPoint(true));
      const data = randomNormal(32, 3).map(Math.abs);
      for (let r = 0; r < 8; r++) data[r * 4 + 2] = 0; // a dead ReLU unit
      tf.tidy(() => q.apply(tf.tensor2d(data, [8, 4]), TRAIN));
      const want = refLsqInit(data, 4, 3);
      want[2] = refLsqInit(data, 1, 3)[0];
      expectRel(q.qparams().scale, want);
      q.dispose();
    });

    it('refuses a first batch that gives no step size, naming the plugin, the point and the remedy', () => {
      const q = createQuantizer('lsq', { bits: 4 }, actPoint());
      expect(() => tf.tidy(() => q.apply(tf.zeros([8, 4]), TRAIN))).toThrow(
        /quantizer 'lsq' at 'fc1\/output': cannot initialize the step size: 2 \* mean\(\|x\|\) \/ sqrt\(Qp\) gives 0 .*set option 'init' to a fixed step size/,
      );
      expect(() => tf.tidy(() => q.apply(tf.tensor2d([[NaN, 1, 2, 3]]), TRAIN))).toThrow(NonFiniteError);
      expect((q as LearnedStepQuantizer).initialized).toBe(false);
      q.dispose();
      // all-zero weights fail at prepare, which names the point
      const model = new Mlp([3, 2], 1);
      model.layers[0].weight.assign(tf.zeros([3, 2]));
      expect(() => prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4 } }] })).toThrow(RecipeError);
      expect(() => prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4 } }] })).toThrow(/point 'fc1\/weight'.*cannot initialize/);
      expect(model.quantController).toBeUndefined();
      model.dispose();
    });

    it('init: a fixed step needs no data; an observer init fits that observer\'s grid', () => {
      const fixed = createQuantizer('lsq', { bits: 4, perChannel: true, init: 0.125 }, actPoint());
      expect(Array.from(fixed.qparams().scale)).toEqual([0.125, 0.125, 0.125, 0.125]);
      const byMinMax = createQuantizer('lsq', { bits: 4, init: 'minMax' }, actPoint());
      tf.tidy(() => byMinMax.apply(tf.tensor2d([[-0.7, 0.2, 0.35, 0.1]]), TRAIN));
      expect(byMinMax.qparams().scale[0]).toBe(Math.fround(0.7 / 7));
      fixed.dispose();
      byMinMax.dispose();
    });

    it('rejects bad options with errors naming the plugin and the option', () => {
      const bad: Array<[string, Record<string, unknown>, RegExp]> = [
        ['lsq', { bits: -2 }, /quantizer 'lsq': option 'bits' must be an integer in 2\.\.16, got -2/],
        ['lsq', {}, /quantizer 'lsq': option 'bits' is required/],
        ['lsq', { bits: 4, init: 0 }, /quantizer 'lsq': option 'init' must be 'lsq', 'minMax'.* or a fixed step size >= 2\^-23, got 0/],
        ['lsq', { bits: 4, init: NaN }, /option 'init' must be/],
        ['lsq', { bits: 4, init: 'kmeans' }, /option 'init' must be .*got "kmeans"/],
        ['lsq', { bits: 4, init: { name: 'mse', gridSize: 1 } }, /quantizer 'lsq': option 'init': observer 'mse': option 'gridSize' must be an integer in 10\.\.1000, got 1/],
        ['lsq', { bits: 4, gradScale: -1 }, /option 'gradScale' must be true .*got -1/],
        ['lsq', { bits: 4, gradScale: 'paper' }, /option 'gradScale' must be/],
        ['lsq', { bits: 4, minStep: 0 }, /option 'minStep' must be a number in/],
        ['lsq', { bits: 4, learningRate: 1 }, /quantizer 'lsq': unknown option 'learningRate' \(known options: bits, signed, narrowRange, perChannel, init, gradScale, minStep, powerOfTwoScale\)/],
        [LSQ_PLUS, { bits: 4, init: 'lsq' }, new RegExp(`quantizer '${escapeRegExp(LSQ_PLUS)}': option 'init' must be 'minMax'`)],
      ];
      for (const [name, options, message] of bad) {
        expect(() => createQuantizer(name, options, actPoint())).toThrow(QuantizerOptionError);
        expect(() => createQuantizer(name, options, actPoint())).toThrow(message);
      }
      expect(() => createQuantizer('lsq', { bits: 4, perChannel: true }, actPoint(false, null))).toThrow(
        /quantizer 'lsq' at 'fc1\/output': option 'perChannel' needs the point's shape/,
      );
      expect(() => createQuantizer(LSQ_PLUS, { bits: 4, narrowRange: true, signed: false }, actPoint())).toThrow(/narrowRange/);
    });

    it('qparams() are exactly what the forward pass uses (the integer model\'s grid)', () => {
      const q = createQuantizer(LSQ_PLUS, { bits: 4, perChannel: true }, actPoint());
      q.load({ quantizer: LSQ_PLUS, frozen: false, data: { initialized: true, step: [0.1, 0.25, 0.05, 0.3], zeroPoint: [2.5, -3.4, 0.6, 7.9] } });
      const p = q.qparams();
      expect(Array.from(p.zeroPoint)).toEqual([2, -3, 1, 7]); // half to even; 7.9 clamps to qmax
      expect([p.qmin, p.qmax, p.axis]).toEqual([-8, 7, 1]);
      const data = randomNormal(40, 5);
      const y = tf.tidy(() => values(q.apply(tf.tensor2d(data, [10, 4]), EVAL)));
      const ref = refFakeQuantize(data, [10, 4], { scale: Array.from(p.scale), zeroPoint: Array.from(p.zeroPoint), qmin: -8, qmax: 7, axis: 1 });
      expect(y).toEqual(Array.from(ref));
      q.dispose();
    });

    it('keeps the step size >= minStep by clamping the variable before use', () => {
      const q = createQuantizer('lsq', { bits: 4, init: 0.5, minStep: 1e-3 }, actPoint()) as LearnedStepQuantizer;
      q.step.assign(tf.scalar(-0.2)); // what an optimizer overshooting zero would leave
      expect(q.qparams().scale[0]).toBe(Math.fround(1e-3));
      const y = tf.tidy(() => values(q.apply(tf.tensor2d([[0.0021, -1, 0, 0.004]]), TRAIN)));
      expect(y.map((v) => Math.fround(v))).toEqual([0.002, -0.008, 0, 0.004].map(Math.fround));
      expect(q.step.dataSync()[0]).toBe(Math.fround(1e-3));
      q.dispose();
    });

    it('stops a training run whose step size became NaN with an error naming the point', () => {
      const model = new Mlp([4, 3, 2], 1);
      prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4 }, output: { quantizer: 'lsq', bits: 4 } }] });
      const x = tf.tensor2d(randomNormal(12, 6), [3, 4]);
      const opt = tf.train.sgd(0.1);
      // a loss that turned NaN: the optimizer writes NaN into every variable it updates
      tf.dispose(opt.minimize(() => tf.mul(tf.sum(model.forward(x)), NaN) as tf.Scalar, true, model.trainableVariables()) ?? []);
      expect(() => tf.tidy(() => model.forward(x))).toThrow(NonFiniteError);
      expect(() => tf.tidy(() => model.forward(x))).toThrow(/quantizer 'lsq' at 'fc1\/weight': the learned step size is NaN: training diverged/);
      const q = model.layers[1].getQuantizer('output');
      expect(() => q?.qparams()).toThrow(/at 'fc2\/output': the learned step size is NaN/);
      expect(() => q?.state()).toThrow(NonFiniteError);
      tf.dispose(x);
      opt.dispose();
      model.dispose();
    });

    it('exposes its variables to Module.trainableVariables(); freeze() stops updates', () => {
      const model = new Mlp([4, 3, 2], 2);
      prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4, perChannel: true }, output: { quantizer: LSQ_PLUS, bits: 4 } }] });
      const quantizers = model.namedQuantizers().map(([, q]) => q);
      const learned = quantizers.flatMap((q) => q.variables);
      expect(learned).toHaveLength(2 * 1 + 2 * 2); // lsq: step; lsq+: step and zero point
      for (const v of learned) expect(model.trainableVariables()).toContain(v);
      const x = tf.tensor2d(randomNormal(24, 7), [6, 4]);
      const opt = tf.train.adam(0.05);
      const step = () => tf.dispose(opt.minimize(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, true, model.trainableVariables()) ?? []);
      step();
      const before = learned.map(values);
      step();
      expect(learned.map(values)).not.toEqual(before);
      for (const q of quantizers) q.freeze();
      expect(quantizers.every((q) => q.frozen)).toBe(true);
      for (const v of learned) expect(model.trainableVariables()).not.toContain(v);
      const frozen = learned.map(values);
      // even an optimizer handed the variables explicitly leaves frozen ones alone
      tf.dispose(opt.minimize(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, true, [...model.trainableVariables(), ...learned]) ?? []);
      expect(learned.map(values)).toEqual(frozen);
      tf.dispose(x);
      opt.dispose();
      model.dispose();
    });

    it('refuses to initialize once frozen', () => {
      const q = createQuantizer('lsq', { bits: 4 }, actPoint());
      q.freeze();
      expect(() => tf.tidy(() => q.apply(tf.ones([2, 4]), TRAIN))).toThrow(/at 'fc1\/output': frozen before its step size was initialized/);
      q.dispose();
    });

    it('round-trips state through JSON exactly, and rejects foreign or malformed state', () => {
      const a = createQuantizer(LSQ_PLUS, { bits: 3, perChannel: true, init: 'minMax' }, actPoint());
      tf.tidy(() => a.apply(tf.tensor2d(randomNormal(40, 8), [10, 4]), TRAIN));
      (a as LearnedStepQuantizer).zeroPoint?.assign(tf.tensor1d([0.123456789, -1.5, 2.75, 1e-7]));
      a.freeze();
      const json = JSON.stringify(a.state());
      const b = createQuantizer(LSQ_PLUS, { bits: 3, perChannel: true, init: 'minMax' }, actPoint());
      b.load(JSON.parse(json));
      expect(JSON.stringify(b.state())).toBe(json);
      expect(b.frozen).toBe(true);
      expect(b.variables.every((v) => !v.trainable)).toBe(true);
      const x = tf.tensor2d(randomNormal(20, 9), [5, 4]);
      expect(tf.tidy(() => values(b.apply(x, EVAL)))).toEqual(tf.tidy(() => values(a.apply(x, EVAL))));
      const c = createQuantizer(LSQ_PLUS, { bits: 3, perChannel: true }, actPoint());
      expect(() => c.load({ quantizer: 'lsq', frozen: false, data: {} })).toThrow(new RegExp(`at 'fc1/output': state is for quantizer "lsq", not '${escapeRegExp(LSQ_PLUS)}'`));
      expect(() => c.load({ quantizer: LSQ_PLUS, frozen: false, data: { initialized: true, step: [1, 1, 1], zeroPoint: [0, 0, 0, 0] } })).toThrow(/data.step must hold 4/);
      expect(() => c.load({ quantizer: LSQ_PLUS, frozen: false, data: { initialized: true, step: [1, 0, 1, 1], zeroPoint: [0, 0, 0, 0] } })).toThrow(/> 0/);
      expect(() => c.load({ quantizer: LSQ_PLUS, frozen: false, data: { initialized: true, step: [1, 1, 1, 1] } })).toThrow(/data.zeroPoint must hold 4/);
      expect(() => c.load(JSON.parse(JSON.stringify({ quantizer: LSQ_PLUS, frozen: false, data: { initialized: true, step: [1, NaN, 1, 1], zeroPoint: [0, 0, 0, 0] } })))).toThrow(QatjsError);
      expect((c as LearnedStepQuantizer).initialized).toBe(false); // a rejected state changes nothing
      tf.dispose(x);
      for (const q of [a, b, c]) q.dispose();
    });

    it('LSQ+ learns the offset: a grid started around zero moves onto values in [-0.3, 2.7]', () => {
      // 2-bit signed affine codes -2..1; init step 0.5, zero point 0: the grid covers [-1, 0.5]
      const q = createQuantizer(LSQ_PLUS, { bits: 2, init: 0.5 }, actPoint()) as LearnedStepQuantizer;
      expect(q.spec.symmetric).toBe(false);
      const x = tf.tensor2d(randomUniform(256, 10, -0.3, 2.7), [64, 4]);
      const mse = () => tf.tidy(() => tf.mean(tf.square(tf.sub(q.apply(x, TRAIN), x))) as tf.Scalar);
      const first = tf.tidy(() => mse().dataSync()[0]);
      const opt = tf.train.adam(0.05);
      for (let i = 0; i < 200; i++) tf.dispose(opt.minimize(mse, true, [...q.variables]) ?? []);
      const last = tf.tidy(() => mse().dataSync()[0]);
      expect(last).toBeLessThan(0.2 * first);
      // the zero point moved down to the grid's lowest code, so that the codes cover [0, 3 * step]
      expect(q.qparams().zeroPoint[0]).toBe(-2);
      expect(q.qparams().scale[0]).toBeGreaterThan(0.6);
      tf.dispose(x);
      opt.dispose();
      q.dispose();
    });

    it('frees the initial value a point hands out: prepare then unprepare, and a prepare that fails, leave no tensor (#15 item 4)', () => {
      const model = new Sequential([new FoldedDense(8, 6, true, 1), new FoldedDense(6, 3, false, 2)]);
      const before = tf.memory().numTensors;
      prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4, perChannel: true } }] }, { onWarning: () => {} });
      expect(tf.memory().numTensors).toBe(before + 2); // the two step-size variables
      unprepare(model);
      expect(tf.memory().numTensors).toBe(before);
      const failing = { rules: [{ match: '0', weight: { quantizer: 'lsq', bits: 4 } }, { match: '1', weight: { quantizer: 'lsq', bits: 4, minStep: -1 } }] };
      expect(() => prepare(model, failing, { onWarning: () => {} })).toThrow(RecipeError);
      expect(tf.memory().numTensors).toBe(before);
      expect(model.quantController).toBeUndefined();
      model.dispose();
    });

    it('keeps tensor counts flat across training steps, and frees everything it made on unprepare', () => {
      const model = new Mlp([8, 6, 3], 3);
      const x = tf.tensor2d(randomNormal(80, 11), [10, 8]);
      const unprepared = tf.memory().numTensors;
      prepare(model, {
        rules: [
          { match: '*', weight: { quantizer: 'lsq', bits: 2, perChannel: true }, output: { quantizer: LSQ_PLUS, bits: 2, perChannel: true } },
          { match: '@first', input: { quantizer: 'lsq', bits: 2 } },
        ],
      });
      const opt = tf.train.adam(0.01);
      const vars = model.trainableVariables();
      const counts: number[] = [];
      for (let i = 0; i < 20; i++) {
        tf.dispose(opt.minimize(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, true, vars) ?? []);
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts.slice(1)).size).toBe(1); // the first step creates Adam's slots
      opt.dispose();
      unprepare(model);
      expect(tf.memory().numTensors).toBe(unprepared);
      tf.dispose(x);
      model.dispose();
    });
  });
}

describe('lsq: powerOfTwoScale', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('quantizes with the learned step rounded up to a power of two, and passes the step gradient straight through', () => {
    const point = actPoint(false, [4]);
    const q = createQuantizer('lsq', { bits: 8, powerOfTwoScale: true, init: 0.3 }, point) as LearnedStepQuantizer;
    // the same grid without the option: the step set to the power of two itself
    const same = createQuantizer('lsq', { bits: 8, init: 0.5 }, point) as LearnedStepQuantizer;
    expect(Array.from(q.qparams().scale)).toEqual([0.5]);
    const data = randomNormal(32, 7).map((v) => v * 40);
    const x = tf.tensor2d(data, [8, 4]);
    const dy = tf.tensor2d(randomNormal(32, 8), [8, 4]);
    const run = (qq: LearnedStepQuantizer) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(qq.apply(x, TRAIN), dy)) as tf.Scalar, [qq.step]);
      const out = { value: value.dataSync()[0], grad: grads[qq.step.name].dataSync()[0], y: Array.from(qq.apply(x, EVAL).dataSync()) };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const a = run(q);
    const b = run(same);
    expect(a.y).toEqual(Array.from(refFakeQuantize(data, [8, 4], { scale: [0.5], zeroPoint: [0], qmin: -128, qmax: 127 })));
    expect(a.y).toEqual(b.y);
    expect(a.value).toBe(b.value);
    expect(a.grad).toBe(b.grad);
    expect(a.grad).not.toBe(0);
    tf.dispose([x, dy]);
    q.dispose();
    same.dispose();
  });

  it('is LSQ only: LSQ+ (affine) refuses the option by name', () => {
    expect(() => createQuantizer(LSQ_PLUS, { bits: 8, powerOfTwoScale: true }, actPoint(false, [4]))).toThrow(/unknown option 'powerOfTwoScale'/);
  });
});
