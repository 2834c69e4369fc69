// Accuracy of a small MLP on sklearn digits at 2-bit weights and activations: FP32, post-training
// min/max quantization (PTQ), and QAT fine-tuning with fixed min/max uniform quantizers, LSQ, LSQ+ and
// PACT, over several seeds, with every layer at 2 bits and with the first and last layer at 8 bits.
// Rows in the accuracy format of benchmarks/README.md; the wasm backend.
//
// Quantizer names in the rows: 'uniform-minmax' (symmetric uniform, min/max observers), 'lsq' (LSQ
// everywhere), 'lsq-plus' (LSQ weights, LSQ+ ('lsq+') activations), 'pact' (LSQ weights, PACT on the hidden
// ReLU outputs, LSQ on the model input and the logits, which PACT cannot take: they may be negative).
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, initBackend, prepare, unprepare, type Recipe, type RecipeRule } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-lsq';
import '@qatjs/quantizer-pact';
import { batches, loadDigits, trainTestSplit, type LabeledSet } from '@qatjs/datasets';
import { Mlp, accuracy, trainClassifier } from '@qatjs/test-models';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

const SIZES = [64, 64, 32, 10];
const MODEL = 'mlp-64-64-32-10';
const BITS = 2;

type PointConfig = Record<string, unknown>;

/** Every layer's weight and output at BITS, the model input too; firstLastBits 8 lifts the first and last layer. */
function recipe(weight: PointConfig, activation: PointConfig, firstLastBits: number, hidden?: PointConfig): Recipe {
  const rules: RecipeRule[] = [
    { match: '*', weight: { bits: BITS, perChannel: true, ...weight }, output: { bits: BITS, ...(hidden ?? activation) } },
    { match: '@first', input: { bits: BITS, ...activation } },
    { match: '@last', output: { bits: BITS, ...activation } },
  ];
  if (firstLastBits !== BITS) {
    rules.push({ match: '@first', weight: { bits: firstLastBits }, input: { bits: firstLastBits } });
    rules.push({ match: '@last', weight: { bits: firstLastBits }, output: { bits: firstLastBits } });
  }
  return { rules };
}

const UNIFORM_MINMAX = { quantizer: 'uniform', observer: 'minMax' };
const METHODS: Array<{ quantizer: string; recipe: (firstLastBits: number) => Recipe }> = [
  { quantizer: 'uniform-minmax', recipe: (fl) => recipe(UNIFORM_MINMAX, UNIFORM_MINMAX, fl) },
  { quantizer: 'lsq', recipe: (fl) => recipe({ quantizer: 'lsq' }, { quantizer: 'lsq' }, fl) },
  { quantizer: 'lsq-plus', recipe: (fl) => recipe({ quantizer: 'lsq' }, { quantizer: 'lsq+' }, fl) },
  { quantizer: 'pact', recipe: (fl) => recipe({ quantizer: 'lsq' }, { quantizer: 'lsq' }, fl, { quantizer: 'pact', alpha: 4, l2: 1e-4 }) },
];

function calibrationBatches(set: LabeledSet, count: number): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const b of batches(set, { batchSize: 64, seed: 7 })) {
    if (out.length === count) break;
    out.push(tf.tensor(b.x, [b.y.length, ...set.shape.slice(1)]));
  }
  return out;
}

export const suite: Suite = {
  name: 'accuracy-digits-mlp',
  description: `digits MLP accuracy: FP32, PTQ and QAT at ${BITS}-bit weights and activations (min/max uniform, LSQ, LSQ+, PACT)`,
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const seeds = smoke ? [1] : [1, 2, 3];
    const fp32Steps = smoke ? 10 : 600;
    const qatSteps = smoke ? 3 : 600;
    const data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
    const calib = calibrationBatches(data.train, smoke ? 1 : 8);
    const rows: Row[] = [];
    const row = (method: string, quantizer: string, wbits: number, abits: number, firstLastBits: number, seed: number, value: number): Row => ({
      task: 'digits', model: MODEL, method, quantizer, wbits, abits, firstLastBits, seed, metric: 'accuracy', value: Number(value.toFixed(2)),
    });
    for (const seed of seeds) {
      const model = new Mlp(SIZES, seed);
      trainClassifier(model, data.train, { steps: fp32Steps, batchSize: 64, learningRate: 1e-2, seed });
      rows.push(row('fp32', 'none', 32, 32, 32, seed, accuracy(model, data.test)));
      const floatWeights = model.namedParameters().map(([, v]) => tf.clone(v));
      const restore = () => model.namedParameters().forEach(([, v], i) => v.assign(floatWeights[i]));
      for (const firstLastBits of smoke ? [BITS] : [BITS, 8]) {
        prepare(model, METHODS[0].recipe(firstLastBits), { onWarning: () => {} });
        await calibrate(model, calib);
        rows.push(row('ptq', 'uniform-minmax', BITS, BITS, firstLastBits, seed, accuracy(model, data.test)));
        unprepare(model);
        for (const m of METHODS) {
          restore();
          prepare(model, m.recipe(firstLastBits), { onWarning: () => {} });
          trainClassifier(model, data.train, { steps: qatSteps, batchSize: 64, learningRate: 1e-3, seed: seed + 100 });
          rows.push(row('qat', m.quantizer, BITS, BITS, firstLastBits, seed, accuracy(model, data.test)));
          unprepare(model);
        }
      }
      tf.dispose(floatWeights);
      model.dispose();
    }
    tf.dispose(calib);
    return rows;
  },
};
