// MNIST (10k training images, the 10k test set), LeNet-BN and a small residual CNN: FP32; PTQ
// (calibration only) and QAT (3 epochs fine-tuning from the FP32 weights) at W8A8, W4A8, W4A4 and
// W2A2 with the uniform, asymmetric and LSQ quantizers, each low-bit setting with every layer at that
// width and with the first and last layer at 8 bits; 3 seeds. QAT: Adam, cosine from 2e-4 (1e-3 at 2 bits). Hours of compute: finished rows are
// cached under benchmarks/.cache/accuracy-mnist-cnn and a rerun resumes. QATJS_ACC_MODELS and
// QATJS_ACC_SEEDS (comma lists) run a slice.
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, initBackend, type Module, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { loadMnist } from '@qatjs/datasets';
import { prepare } from '@qatjs/core';
import { envList, openSweep } from '../accuracy/sweep.ts';
import { cachedFp32Model, storeModel } from '../accuracy/fp32-cache.ts';
import { intRuntimeFields } from '../accuracy/int-runtime-eval.ts';
import { accuracy, ptq, train, type Data, type TrainConfig } from '../accuracy/mnist-protocol.ts';
import type { Suite } from '../suite.ts';

const MODELS: Record<string, (seed: number) => Module> = {
  'lenet-bn': (seed) => lenet({ seed }),
  'residual-cnn': (seed) => residualCnn({ seed }),
};
const STEPS_PER_EPOCH = Math.floor(10000 / 64);
const FP32: TrainConfig = { epochs: 15, learningRate: 2e-3, warmupSteps: 100, batchSize: 64, maxShift: 2 };
const QAT: TrainConfig = { epochs: 3, learningRate: 2e-4, warmupSteps: 30, batchSize: 64, maxShift: 2 };
// At 2 bits the weights must cross whole grid steps and LSQ's steps must move: a larger rate
// (LeNet-BN seed 1, LSQ W2A2 with 3 epochs: 90.20% at 2e-4, 95.72% at 1e-3).
const QAT_2BIT: TrainConfig = { ...QAT, learningRate: 1e-3 };
const SETTINGS: Array<{ preset: string; wbits: number; abits: number; firstLast?: number }> = [
  { preset: 'w8a8', wbits: 8, abits: 8 },
  { preset: 'w4a8', wbits: 4, abits: 8 },
  { preset: 'w4a8', wbits: 4, abits: 8, firstLast: 8 },
  { preset: 'w4a4', wbits: 4, abits: 4 },
  { preset: 'w4a4', wbits: 4, abits: 4, firstLast: 8 },
  { preset: 'w2a2', wbits: 2, abits: 2 },
  { preset: 'w2a2', wbits: 2, abits: 2, firstLast: 8 },
];
const QUANTIZERS = ['uniform', 'asymmetric', 'lsq'];
// The residual CNN keeps its residual path (the two tensors each Add sums) at 8 bits when the
// activations are narrower: the LSQ paper leaves residual additions unquantized, and at 2 bits a
// signed pre-add grid of 4 levels collapsed training (uniform W2A2 20-42%, LSQ 74-93%, seeds 1-2).
// The Add's own (post-ReLU) output, which feeds the next convolutions, stays at the low width.
const RESIDUAL_PATH: Record<string, readonly string[]> = { 'residual-cnn': ['*.main.conv2', '*.shortcut'] };

function recipeFor(modelName: string, s: (typeof SETTINGS)[number], quantizer: string, method: 'ptq' | 'qat'): Recipe {
  const base = getPreset(s.preset, { weightQuantizer: quantizer, activationQuantizer: quantizer, ...(s.firstLast ? { firstLastBits: s.firstLast } : {}) });
  const rules = [...base.rules];
  const residualPath = residualPathFor(modelName, s);
  if (residualPath) rules.push({ match: residualPath, output: { bits: 8 } });
  // PTQ calibrates observer-based activation grids on the running min/max of the calibration set.
  if (method === 'ptq' && quantizer !== 'lsq') rules.push({ match: '*', output: { observer: 'minMax' } }, { match: '@first', input: { observer: 'minMax' } });
  const schedule = method === 'qat' ? { freezeBatchNormAt: 2 * STEPS_PER_EPOCH, freezeObserversAt: Math.floor(2.5 * STEPS_PER_EPOCH) } : {};
  return { ...base, rules, schedule };
}

function residualPathFor(modelName: string, s: (typeof SETTINGS)[number]): readonly string[] | undefined {
  return s.abits < 8 ? RESIDUAL_PATH[modelName] : undefined;
}

export const suite: Suite = {
  name: 'accuracy-mnist-cnn',
  description: 'MNIST LeNet-BN and residual CNN: FP32, PTQ and QAT at W8A8..W2A2 (uniform, asymmetric, LSQ), 3 seeds',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const data: Data = { train: await loadMnist({ split: 'train' }), test: await loadMnist({ split: 'test' }) };
    const { store, rows, record } = await openSweep('accuracy-mnist-cnn', smoke);
    const models = smoke ? ['lenet-bn'] : envList('QATJS_ACC_MODELS', Object.keys(MODELS));
    const seeds = smoke ? [1] : envList('QATJS_ACC_SEEDS', ['1', '2', '3']).map(Number);
    const evalLimit = smoke ? 500 : Infinity;
    for (const modelName of models) {
      for (const seed of seeds) {
        const base = { task: 'mnist-cnn', model: modelName, seed, metric: 'accuracy' };
        const fp32Name = `${modelName}-s${seed}-fp32.ckpt`;
        const fp32Model = () => cachedFp32Model(store, fp32Name, () => MODELS[modelName](seed), (m) => train(m, data, FP32, seed, smoke ? 20 : undefined));
        await record(`${modelName}/s${seed}/fp32`, async () => {
          const m = await fp32Model();
          const value = accuracy(m, data.test, evalLimit);
          m.dispose();
          return { ...base, method: 'fp32', quantizer: 'none', wbits: 32, abits: 32, firstLastBits: 32, value, epochs: FP32.epochs };
        });
        const settings = smoke ? SETTINGS.slice(3, 4) : SETTINGS;
        for (const s of settings) {
          for (const quantizer of QUANTIZERS) {
            const tag = `${s.preset}${s.firstLast ? '-fl8' : ''}${residualPathFor(modelName, s) ? '-res8' : ''}/${quantizer}`;
            const row = { ...base, quantizer, wbits: s.wbits, abits: s.abits, firstLastBits: s.firstLast ?? s.wbits, ...(residualPathFor(modelName, s) ? { residualPathBits: 8 } : {}) };
            await record(`${modelName}/s${seed}/ptq/${tag}`, async () => {
              const m = await fp32Model();
              await ptq(m, recipeFor(modelName, s, quantizer, 'ptq'), data, smoke ? 2 : 16);
              const value = accuracy(m, data.test, evalLimit);
              m.dispose();
              return { ...row, method: 'ptq', value };
            });
            const qatId = `${modelName}/s${seed}/qat/${tag}`;
            const ckptName = `${modelName}-s${seed}-qat-${tag.replace('/', '-')}.ckpt`;
            await record(qatId, async () => {
              const m = await fp32Model(); // QAT fine-tunes the FP32 weights
              prepare(m, recipeFor(modelName, s, quantizer, 'qat'), { onWarning: () => {} });
              const started = Date.now();
              await train(m, data, s.wbits <= 2 ? QAT_2BIT : QAT, seed + 1000, smoke ? 5 : undefined);
              const trainSeconds = Math.round((Date.now() - started) / 1000);
              const value = accuracy(m, data.test, evalLimit);
              await storeModel(store, ckptName, m);
              const int = await intRuntimeFields(m, data.test, evalLimit);
              m.dispose();
              return { ...row, method: 'qat', value, ...int, epochs: QAT.epochs, learningRate: (s.wbits <= 2 ? QAT_2BIT : QAT).learningRate, trainSeconds };
            });
          }
        }
      }
    }
    return rows;
  },
};
