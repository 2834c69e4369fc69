// convert() of QAT-trained LSTM and GRU classifiers (one direction and bidirectional, stacked): the
// integer model (the IR's reference interpreter and the int runtime) against the
// fake-quant model on held-out data: argmax agreement and the largest logit difference in quanta.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, convert, fit, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { sequenceClassifier, type SequenceClassifierOptions } from '@qatjs/adapter-rnn';
import { batches, loadMnist, type LabeledSet } from '@qatjs/datasets';
import { runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { compareLogits } from '@qatjs/test-models';
import { useBackend } from '@qatjs/test-utils';

let train: LabeledSet;
let test: LabeledSet;
const rowsOf = (set: LabeledSet): LabeledSet => ({ ...set, shape: [set.shape[0] as number, 28, 28] });

async function trained(o: Omit<SequenceClassifierOptions, 'inputSize' | 'classes'>, preset: string) {
  const m = sequenceClassifier({ inputSize: 28, classes: 10, maxSteps: 28, seed: 2, ...o });
  prepare(m, preset, { onWarning: () => {} });
  await fit(m, {
    epochs: 1,
    batches: () => (function* () {
      for (const b of batches(train, { batchSize: 64, seed: 4, dropLast: true })) yield { x: b.x, y: b.y, shape: b.shape };
    })(),
    optimizer: { kind: 'adam' },
    learningRate: { kind: 'constant', value: 1e-2 },
  });
  m.eval();
  return m;
}

/** The cell scale s_c of every lstm node (its cT output's grid). */
function cellScales(ir: ReturnType<typeof convert>): number[] {
  return ir.nodes.filter((n) => n.op === 'lstm').map((n) => (ir.values.find((v) => v.name === n.outputs[2])?.quant as { scale: Float32Array }).scale[0]);
}

describe('convert() of LSTM and GRU classifiers equals the fake-quant model', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    train = rowsOf(await loadMnist({ split: 'train', limit: 256 }));
    test = rowsOf(await loadMnist({ split: 'test', limit: 64 }));
  });

  const cases: Array<[Omit<SequenceClassifierOptions, 'inputSize' | 'classes'>, string]> = [
    [{ cell: 'lstm', hidden: 16 }, 'w8a8'],
    [{ cell: 'gru', hidden: 16 }, 'w8a8'],
    [{ cell: 'lstm', hidden: 8, bidirectional: true, numLayers: 2 }, 'w4a8'],
    [{ cell: 'gru', hidden: 8, bidirectional: true, numLayers: 2 }, 'w4a8'],
  ];
  for (const [o, preset] of cases) {
    it(`${o.cell}${o.bidirectional ? ' bidirectional' : ''}${o.numLayers ? ` ${o.numLayers} layers` : ''} ${preset}`, async () => {
      const m = await trained(o, preset);
      const ir = convert(m, { inputShape: [28, 28], floatOutput: false });
      const ops = ir.nodes.map((n) => n.op);
      expect(ops.filter((op) => op === o.cell).length).toBe((o.numLayers ?? 1) * (o.bidirectional ? 2 : 1));
      if (o.bidirectional) expect(ops).toContain('concat');
      if (o.cell === 'lstm') for (const s of cellScales(ir)) expect(Number.isInteger(Math.log2(s))).toBe(true); // the default: a power of two
      const out = ir.values.find((v) => v.name === ir.outputs[0]);
      const q = out?.quant as { scale: Float32Array; zeroPoint: Int32Array };
      const b = batches(test, { batchSize: 64 }).next().value as { x: Float32Array; shape: number[] };
      const codes = runReference(ir, { input: { data: b.x, shape: b.shape } })[ir.outputs[0]];
      const fake = tf.tidy(() => m.forward(tf.tensor(b.x, b.shape)).dataSync());
      const cmp = compareLogits(fake, codes, 10, q.scale[0], q.zeroPoint[0]);
      // the int runtime's kernels against the reference: equal but where a float gate function's
      // stated tolerance flips a code (backend-wasm's tests bound that at 1 quantum)
      const session = await loadSession(ir);
      const run = session.run({ input: b.x })[ir.outputs[0]];
      session.dispose();
      const runtime = compareLogits(fake, run, 10, q.scale[0], q.zeroPoint[0]);
      expect(runtime.sameArgmax).toBeGreaterThanOrEqual(63);
      expect(runtime.worstQuanta).toBeLessThanOrEqual(2);
      // float32 sum-order rounding and the float gate functions can move a 16-bit gate code or an 8-bit
      // state code by one; the logits stay within 2 quanta and every argmax agrees on this batch
      expect(cmp.sameArgmax).toBe(64);
      expect(cmp.worstQuanta).toBeLessThanOrEqual(2);
      expect(new Set(cmp.codeArgmax).size).toBeGreaterThan(1); // a trained model, not a constant one
      console.log(`${o.cell} ${preset}: reference argmax ${cmp.sameArgmax}/64, worst ${cmp.worstQuanta.toFixed(3)} quanta; int runtime ${runtime.sameArgmax}/64, ${runtime.worstQuanta.toFixed(3)} quanta`);
      m.dispose();
    });
  }

  // PTQ: the calibrated cell scale is rounded up to a power of two too; with the rounding turned off
  // by a recipe rule it is the observed one. Both integer models equal their fake-quant models.
  it('lstm PTQ: power-of-two cell scale by default, the observed one with powerOfTwoScale: false; int = fake-quant for both', async () => {
    const b = batches(test, { batchSize: 64 }).next().value as { x: Float32Array; shape: number[] };
    const scales: number[] = [];
    for (const pow2 of [true, false]) {
      const m = sequenceClassifier({ cell: 'lstm', inputSize: 28, classes: 10, hidden: 16, maxSteps: 28, seed: 3 });
      const recipe = { rules: [{ match: '*', weight: { quantizer: 'uniform', bits: 8, perChannel: true, narrowRange: true }, output: { quantizer: 'asymmetric', bits: 8, observer: 'minMax' } }, { match: '@first', input: { quantizer: 'asymmetric', bits: 8, observer: 'minMax' } }, ...(pow2 ? [] : [{ match: 'LSTM', points: { cell: { powerOfTwoScale: false } } }])] };
      prepare(m, recipe, { onWarning: () => {} });
      await calibrate(m, (function* () {
        for (const cb of batches(train, { batchSize: 64, seed: 1 })) yield { x: cb.x, shape: cb.shape };
      })(), { maxBatches: 2 });
      m.eval();
      const ir = convert(m, { inputShape: [28, 28], floatOutput: false });
      const [sc] = cellScales(ir);
      scales.push(sc);
      expect(Number.isInteger(Math.log2(sc))).toBe(pow2);
      const out = ir.values.find((v) => v.name === ir.outputs[0])?.quant as { scale: Float32Array; zeroPoint: Int32Array };
      const codes = runReference(ir, { input: { data: b.x, shape: b.shape } })[ir.outputs[0]];
      const fake = tf.tidy(() => m.forward(tf.tensor(b.x, b.shape)).dataSync());
      const cmp = compareLogits(fake, codes, 10, out.scale[0], out.zeroPoint[0]);
      expect(cmp.sameArgmax).toBeGreaterThanOrEqual(63);
      expect(cmp.worstQuanta).toBeLessThanOrEqual(2);
      console.log(`lstm PTQ, cell scale ${sc} (powerOfTwoScale ${pow2}): reference argmax ${cmp.sameArgmax}/64, worst ${cmp.worstQuanta.toFixed(3)} quanta`);
      m.dispose();
    }
    // the same calibration: the power of two is the observed scale rounded up, less than twice it
    expect(scales[0]).toBeGreaterThanOrEqual(scales[1]);
    expect(scales[0]).toBeLessThan(2 * scales[1]);
  });
});
