// convert() checks what it lowers against what each quantizer says (docs/guides/writing-a-quantizer.md):
// a non-affine quantizer trains and evaluates normally and is refused only at convert().
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvertError, Sequential, calibrate, convert, fit, prepare, registerQuantizer, unregisterQuantizer, type Recipe } from '@qatjs/core';
import { runReference, unpackCodes } from '@qatjs/ir';
import { batches, loadDigits, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { SmallQuantizer, floorRounding, log4, ternary } from './helpers/contract-quantizers.ts';
import { TestLoweredDense, testObservedQuantizer } from './helpers/test-layers.ts';
import { TwoHeaded } from './helpers/two-headed.ts';

const OBS = 'test-observed';
let digits: LabeledSet;

const mlp = () => new Sequential([new TestLoweredDense(32, 64, true, 11), new TestLoweredDense(10, 32, false, 12)]);
const withRule = (rule: Recipe['rules'][number]): Recipe => ({
  rules: [
    { match: '*', weight: { quantizer: OBS, bits: 8, perChannel: true }, output: { quantizer: OBS, bits: 8 } },
    { match: '@first', input: { quantizer: OBS, bits: 8 } },
    rule,
  ],
});

async function calibrated(recipe: Recipe) {
  const m = mlp();
  prepare(m, recipe, { onWarning: () => {} });
  const x = tf.tensor(digits.x.subarray(0, 64 * 64), [64, 64]);
  await calibrate(m, [x]);
  return { m, x };
}

describe('convert() and the quantizer contract', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerQuantizer(testObservedQuantizer);
    for (const p of [log4, ternary, floorRounding]) registerQuantizer(p);
    digits = await loadDigits();
  });
  afterAll(() => {
    for (const name of [OBS, log4.name, ternary.name, floorRounding.name]) unregisterQuantizer(name);
  });

  it('a 4-level log quantizer (not affine) trains on digits with finite, decreasing loss, evaluates, and convert() refuses it naming the point and quantizer', async () => {
    const m = mlp();
    prepare(m, withRule({ match: '*', weight: { quantizer: 'test-log4' } }), { onWarning: () => {} });
    const r = await fit(m, {
      epochs: 2,
      batches: (epoch) => batches(digits, { batchSize: 64, seed: 3, epoch, dropLast: true }),
      optimizer: { kind: 'adam' },
      learningRate: 1e-2,
    });
    expect(r.losses.every(Number.isFinite)).toBe(true);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(r.losses.slice(-8))).toBeLessThan(mean(r.losses.slice(0, 8)) * 0.6);
    m.eval();
    const logits = tf.tidy(() => m.forward(tf.tensor(digits.x.subarray(0, 8 * 64), [8, 64])).dataSync());
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(() => convert(m, { inputShape: [64] })).toThrow(ConvertError);
    expect(() => convert(m, { inputShape: [64] })).toThrow(/^convert: 0 \(weight\): quantizer 'test-log4' is not affine \(affine: false\)/);
    m.dispose();
  });

  it('a non-affine activation quantizer trains too: core asks it for no qparams() while the model runs', async () => {
    const m = mlp();
    prepare(m, withRule({ match: '0', output: { quantizer: 'test-log4' } }), { onWarning: () => {} });
    const r = await fit(m, {
      epochs: 1,
      batches: (epoch) => batches(digits, { batchSize: 64, seed: 4, epoch, dropLast: true }),
      optimizer: { kind: 'adam' },
      learningRate: 1e-2,
    });
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0]);
    expect(() => convert(m, { inputShape: [64] })).toThrow(/^convert: 0 \(output\): quantizer 'test-log4' is not affine/);
    m.dispose();
  });

  it('an affine activation quantizer is asked for qparams() only when a layer looks up its grid (gridOf)', async () => {
    const plain = mlp(); // TestDense never asks for its input's grid
    prepare(plain, withRule({ match: '0', output: { quantizer: 'test-ternary' } }), { onWarning: () => {} });
    const x = tf.tensor(digits.x.subarray(0, 16 * 64), [16, 64]);
    await calibrate(plain, [x]);
    const q = plain.namedQuantizers().find(([label]) => label === '0/output')?.[1] as SmallQuantizer;
    tf.tidy(() => plain.forward(x));
    expect(q.qparamsCalls).toBe(0);
    const asking = new TwoHeaded(); // its heads look up their inputs' grids (gridOf) for the int32 bias
    prepare(asking, { rules: [{ match: '*', points: { a: { quantizer: 'test-ternary' }, b: { quantizer: 'test-ternary' } } }] }, { onWarning: () => {} });
    const [a, b] = [tf.tensor(digits.x.subarray(0, 8), [2, 4]), tf.tensor(digits.x.subarray(0, 12), [2, 6])];
    tf.tidy(() => asking.forward(a, b));
    const qa = asking.getQuantizer('a') as SmallQuantizer;
    expect(qa.qparamsCalls).toBe(1); // once, by the head that looked
    tf.tidy(() => asking.forward(a, b));
    expect(qa.qparamsCalls).toBe(2);
    tf.dispose([x, a, b]);
    plain.dispose();
    asking.dispose();
  });

  it('a 3-level grid (codes -1, 0, 1 on a 2-bit spec) is refused as an activation: the integer model would clamp to [-2, 1]', async () => {
    const { m, x } = await calibrated(withRule({ match: '0', output: { quantizer: 'test-ternary' } }));
    expect(() => convert(m, { inputShape: [64] })).toThrow(
      /^convert: 0 \(output\): quantizer 'test-ternary' declares the grid \[-1, 1\] on a 2-bit signed spec, whose integer grid is \[-2, 1\]/,
    );
    x.dispose();
    m.dispose();
  });

  it('the same 3-level grid converts as a weight (its codes lie in the stored grid) and the int model equals the fake-quant model', async () => {
    const { m, x } = await calibrated(withRule({ match: '*', weight: { quantizer: 'test-ternary' } }));
    const ir = convert(m, { inputShape: [64] });
    const w0 = ir.constants.find((c) => c.name === '0.weight');
    expect(w0?.dtype).toBe('int2');
    const codes = unpackCodes('int2', w0?.data as Uint8Array, 64 * 32);
    expect(Math.min(...codes)).toBe(-1);
    expect(Math.max(...codes)).toBe(1);
    const got = runReference(ir, { input: x.dataSync() as Float32Array }).output;
    m.eval();
    const want = tf.tidy(() => m.forward(x).dataSync());
    const step = m.namedQuantizers().find(([l]) => l === '1/output')?.[1].qparams().scale[0] ?? NaN;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / step);
    expect(worst).toBeLessThanOrEqual(1 + 1e-6);
    x.dispose();
    m.dispose();
  });

  it('weights a quantizer rounds otherwise than its qparams() say are refused, naming the point and quantizer', async () => {
    const { m, x } = await calibrated(withRule({ match: '1', weight: { quantizer: 'test-floor' } }));
    expect(() => convert(m, { inputShape: [64] })).toThrow(
      /^convert: 1 \(weight\): quantizer 'test-floor''s fake-quantized weights differ from the weights re-rounded from its qparams\(\) in \d+ of 320 elements/,
    );
    x.dispose();
    m.dispose();
  });

  it('the in-repo affine quantizer converts unchanged', async () => {
    const { m, x } = await calibrated(withRule({ match: '@last', weight: { bits: 4 } }));
    expect(() => convert(m, { inputShape: [64] })).not.toThrow();
    x.dispose();
    m.dispose();
  });
});
