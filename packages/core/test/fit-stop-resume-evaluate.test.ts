// fit's signal (stop, checkpoint, resume exactly), the resume checks (a checkpoint past the run's end,
// another number of steps per epoch), schedule fractions, and evaluate / predict.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  FitStoppedError,
  QatjsError,
  applySchedule,
  compareLogits,
  evaluate,
  fit,
  memoryCheckpointStore,
  parseRecipe,
  predict,
  prepare,
  registerQuantizer,
  scoreLogits,
  unregisterQuantizer,
  type Module,
} from '@qatjs/core';
import { batches, loadDigits, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { digitsFitOptions, digitsMlp, TEST_W8A8 } from './helpers/digits-fit.ts';
import { testObservedQuantizer } from './helpers/test-layers.ts';

let digits: LabeledSet;
const weights = (m: Module) => m.namedParameters().map(([p, v]) => [p, Array.from(v.dataSync())] as const);

describe('fit: signal, resume checks, schedule fractions; evaluate and predict', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerQuantizer(testObservedQuantizer);
    digits = await loadDigits();
  });
  afterAll(() => unregisterQuantizer('test-observed'));

  it('an aborted signal stops after the running step with a checkpoint; resume ends where an uninterrupted run does', async () => {
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const a = digitsMlp();
    const err = await fit(a, { ...digitsFitOptions(() => digits, 1), checkpoint: { store, every: 10 }, signal: controller.signal, onProgress: (p) => p.step === 7 && controller.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitStoppedError);
    expect((err as FitStoppedError).step).toBe(7);
    expect((err as Error).message).toBe("fit: stopped after step 7; checkpoint 'checkpoint.step-000000007.ckpt' holds it (resume: true continues from there)");
    const resumed = await fit(a, { ...digitsFitOptions(() => digits, 1), checkpoint: { store, every: 10, resume: true } });
    expect(resumed.resumedFrom).toBe(7);
    const b = digitsMlp();
    await fit(b, digitsFitOptions(() => digits, 1));
    expect(weights(a)).toEqual(weights(b));
    await expect(fit(a, { ...digitsFitOptions(() => digits, 1), signal: 'stop' as never })).rejects.toThrow('fit: signal must be an AbortSignal, got');
    a.dispose();
    b.dispose();
  });

  it('refuses to resume a checkpoint past the run\'s end, or one written with other batches per epoch', async () => {
    const store = memoryCheckpointStore();
    const m = digitsMlp();
    await fit(m, { ...digitsFitOptions(() => digits, 1), maxSteps: 12, checkpoint: { store, every: 6 } });
    await expect(fit(m, { ...digitsFitOptions(() => digits, 1), maxSteps: 12, checkpoint: { store, every: 6, resume: true } })).rejects.toThrow(
      "fit: checkpoint 'checkpoint.step-000000012.ckpt' is at step 12, and this run ends at step 12 (1 epochs x 28 steps, maxSteps 12): nothing to resume; raise epochs or maxSteps, or train afresh",
    );
    const other = { ...digitsFitOptions(() => digits, 2), batches: (epoch: number) => batches(digits, { batchSize: 16, seed: 5, epoch, dropLast: true }) };
    await expect(fit(m, { ...other, checkpoint: { store, every: 6, resume: true } })).resolves.toBeDefined();
    const store2 = memoryCheckpointStore();
    await fit(m, { ...digitsFitOptions(() => digits, 2), maxSteps: 30, checkpoint: { store: store2, every: 30 } });
    const err = await fit(m, { ...other, checkpoint: { store: store2, every: 6, resume: true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toContain('is at step 30 of epoch 1, but this run has 112 steps per epoch (step 30 would be in epoch 0): the batch size or the data changed');
    m.dispose();
  });

  it('schedule values may be fractions of the run', () => {
    expect(parseRecipe({ rules: TEST_W8A8.rules, schedule: { freezeBatchNormAt: 0.5, freezeObserversAt: 3 } }).schedule).toEqual({ freezeBatchNormAt: 0.5, freezeObserversAt: 3 });
    expect(() => parseRecipe({ rules: TEST_W8A8.rules, schedule: { freezeBatchNormAt: 1.5 } })).toThrow('or a fraction of the run (a number between 0 and 1), got 1.5');
    const m = digitsMlp();
    prepare(m, { ...TEST_W8A8, schedule: { freezeObserversAt: 0.25 } }, { onWarning: () => {} });
    applySchedule(m, 24, 100);
    expect(m.quantController!.observersFrozen).toBe(false);
    applySchedule(m, 25, 100);
    expect(m.quantController!.observersFrozen).toBe(true);
    expect(() => applySchedule(m, 25)).toThrow('schedule: freezeObserversAt 0.25 is a fraction of the run; pass the run\'s length in steps (fit does)');
    m.dispose();
  });

  it('evaluate and predict: accuracy and bpc from typed-array or tensor batches, the model\'s mode kept', async () => {
    const m = digitsMlp();
    await fit(m, digitsFitOptions(() => digits, 1));
    const set = { ...digits, shape: digits.shape };
    const acc = await evaluate(m, batches(set, { batchSize: 500 }));
    expect(acc.metric).toBe('accuracy');
    expect(acc.count).toBe(1797);
    // an independent count from predict()
    const logits = predict(m, digits.x, digits.shape);
    const pred = tf.tidy(() => tf.argMax(logits, 1).dataSync());
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === digits.y[i]) correct++;
    expect(acc.value).toBeCloseTo((100 * correct) / 1797, 10);
    expect(acc.value).toBeGreaterThan(80);
    expect(m.training).toBe(true);
    const tensorBatches = [{ x: tf.tensor(digits.x, digits.shape), y: tf.tensor1d(digits.y, 'int32') }];
    expect((await evaluate(m, tensorBatches)).value).toBe(acc.value);
    tf.dispose(tensorBatches.flatMap((b) => [b.x, b.y]));
    const bpc = await evaluate(m, batches(set, { batchSize: 500 }), { metric: 'bpc' });
    const v = logits.dataSync();
    let bits = 0;
    for (let i = 0; i < 1797; i++) {
      const row = Array.from(v.slice(i * 10, i * 10 + 10));
      const lse = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
      bits += (lse - row[digits.y[i]!]!) / Math.LN2;
    }
    expect(bpc.value).toBeCloseTo(bits / 1797, 4);
    logits.dispose();
    expect(scoreLogits([0, 2, 1, 5, 0, 0], [1, 0], 3, 'accuracy')).toEqual({ sum: 2, count: 2 });
    await expect(evaluate(m, [], {})).rejects.toThrow('evaluate: no batches (or only empty ones) were given');
    await expect(evaluate(m, batches(set, { batchSize: 500 }), { metric: 'top5' as never })).rejects.toThrow("evaluate: metric must be 'accuracy' or 'bpc', got \"top5\"");
    await expect(evaluate(m, 5 as never)).rejects.toThrow(QatjsError);
    expect(() => predict({} as never, digits.x, digits.shape)).toThrow('predict: model must be a Module');
    m.dispose();
  });

  it('evaluate takes any model as a function (an int session), and compareLogits measures codes in output quanta', async () => {
    const set = { x: Float32Array.from([0, 1, 2, 3]), y: Int32Array.from([1, 0]), shape: [2, 2], numClasses: 2 };
    const seen: number[][] = [];
    const r = await evaluate((x, shape) => {
      seen.push([...shape]);
      return Float32Array.from(x, (v, i) => (i % 2 === 0 ? -v : v)); // row 0: [-0, 1] -> class 1; row 1: [-2, 3] -> class 1
    }, batches(set, { batchSize: 2 }));
    expect(seen).toEqual([[2, 2]]);
    expect(r).toEqual({ metric: 'accuracy', value: 50, count: 2 });
    await expect(evaluate(() => new Float32Array(3), batches(set, { batchSize: 2 }))).rejects.toThrow('evaluate: batch 0: the function gave 3 logits for 2 targets');
    await expect(evaluate('session' as never, batches(set, { batchSize: 2 }))).rejects.toThrow('evaluate: model must be a Module or a function (x, shape) => logits, got');
    // codes of scale 0.5, zero point 1: float 1.0 is code 3; 2.2 is 5.4 codes, code 5 is 0.4 quanta off
    const c = compareLogits([1, 2.2, 0, -1], [3, 5, 1, -1], 2, 0.5, 1);
    expect(c.worstQuanta).toBeCloseTo(0.4, 6);
    expect(c.sameArgmax).toBe(2);
    expect(Array.from(c.codeArgmax)).toEqual([1, 0]);
    // the same codes dequantized, (code - 1) * 0.5: the same comparison; |2.2 - 2| / 0.5 = 0.4 quanta
    const d = compareLogits([1, 2.2, 0, -1], [1, 2, 0, -1], 2, 0.5, 1, { dequantized: true });
    expect(d.worstQuanta).toBeCloseTo(0.4, 6);
    expect(d.sameArgmax).toBe(2);
    expect(Array.from(d.codeArgmax)).toEqual([1, 0]);
    expect(compareLogits([0.5, -0.25], [0.5, 0], 2, 0.25, -3, { dequantized: true }).worstQuanta).toBe(1);
    expect(() => compareLogits([1, 2, 3], [1, 2, 3], 2, 0.5, 0)).toThrow('compareLogits: 3 float logits and 3 codes do not make rows of 2');
    expect(() => compareLogits([1, 2], [1, 2], 2, 0, 0)).toThrow('compareLogits: scale must be a positive number, got 0');
  });
});
