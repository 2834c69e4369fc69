// Tiny-shakespeare character transformer (charTransformer, the last 10% of the text for validation):
// FP32 trained from scratch within a 30-minute wall-clock budget; PTQ (calibration only) at W8A8,
// W8A8 with a 16-bit residual stream (alone, and with I-BERT's integer-only GELU, softmax and layer
// norm), W4A8 and W4A4; QAT fine-tuned from the FP32 weights at the two W8A8 16-bit-residual
// settings, W8A8, W4A8 with LSQ weights and W4A4 with LSQ. Metric: validation bits per character. Finished rows and
// the FP32 weights are cached under benchmarks/.cache/accuracy-shakespeare-transformer, so a rerun
// resumes. QATJS_TRANSFORMER_ROWS (a comma list of row ids or prefixes, e.g. "fp32,qat/w8a8") runs a
// slice; QATJS_TRANSFORMER_BUDGET_MIN changes the FP32 budget (minutes; 0: exactly 3600 steps).
import * as tf from '@tensorflow/tfjs-core';
import { captureModel, decodeCheckpoint, encodeCheckpoint, fileCheckpointStore, initBackend, prepare, restoreModel, type Module, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { transformerPreset, transformerRecipe } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare } from '@qatjs/datasets';
import { RowCache } from '../accuracy/row-cache.ts';
import { makeModel, ptq, train, validationBpc, type ModelSize, type TrainConfig } from '../accuracy/char-lm-protocol.ts';
import { intRuntimeBpcFields } from '../accuracy/char-lm-int-runtime.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

const SIZE: ModelSize = { dModel: 128, heads: 4, layers: 4, context: 64 };
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const BUDGET_MIN = Number(env.QATJS_TRANSFORMER_BUDGET_MIN ?? 29);
// Batch 16 x 64 characters: on tfjs-backend-wasm (one core) a step of batch 32 took more than twice
// as long as one of batch 16, so 16 gives more steps and more characters in the budget.
// QATJS_TRANSFORMER_BUDGET_MIN=0: no time budget, exactly `steps` steps (for a machine shared with
// other jobs, where a wall-clock budget buys too few steps; the row's trainSeconds says how long it took).
const FP32: TrainConfig = { steps: 3600, batchSize: 16, learningRate: 2e-3, warmupSteps: 100, weightDecay: 0.1, beta2: 0.99, ...(BUDGET_MIN > 0 ? { budgetMs: BUDGET_MIN * 60_000 } : {}) };
const QAT: TrainConfig = { steps: 800, batchSize: 16, learningRate: 3e-4, warmupSteps: 20, weightDecay: 0.1, beta2: 0.99, budgetMs: 10 * 60_000 };
const SMOKE_SIZE: ModelSize = { dModel: 32, heads: 2, layers: 1, context: 16 };
const SMOKE: TrainConfig = { steps: 4, batchSize: 4, learningRate: 3e-3, warmupSteps: 1, weightDecay: 0.1, beta2: 0.99 };

interface Setting {
  readonly id: string;
  readonly wbits: number;
  readonly abits: number;
  readonly quantizer: string;
  readonly residualBits?: number;
  /** GELU, softmax and layer norm integer-only (I-BERT). */
  readonly integerOnly?: boolean;
  readonly recipe: (method: 'ptq' | 'qat') => Recipe;
}

const SETTINGS: Setting[] = [
  { id: 'w8a8', wbits: 8, abits: 8, quantizer: 'uniform', recipe: (m) => transformerRecipe({ wbits: 8, abits: 8, ...(m === 'ptq' ? { observer: 'minMax' } : {}) }) },
  { id: 'w8a8-res16', wbits: 8, abits: 8, quantizer: 'uniform', residualBits: 16, recipe: (m) => transformerPreset('w8a8-res16', m === 'ptq' ? { observer: 'minMax' } : {}) },
  { id: 'w8a8-ibert', wbits: 8, abits: 8, quantizer: 'uniform', residualBits: 16, integerOnly: true, recipe: (m) => transformerPreset('w8a8-ibert', m === 'ptq' ? { observer: 'minMax' } : {}) },
  { id: 'w4a8', wbits: 4, abits: 8, quantizer: 'uniform', recipe: () => transformerRecipe({ wbits: 4, abits: 8, observer: 'minMax' }) },
  { id: 'w4a8-lsq', wbits: 4, abits: 8, quantizer: 'lsq', recipe: () => transformerPreset('w4a8-lsq') },
  { id: 'w4a4', wbits: 4, abits: 4, quantizer: 'uniform', residualBits: 8, recipe: () => transformerRecipe({ wbits: 4, abits: 4, residualBits: 8, observer: 'minMax' }) },
  { id: 'w4a4-lsq', wbits: 4, abits: 4, quantizer: 'lsq', residualBits: 8, recipe: () => transformerPreset('w4a4-lsq') },
];
/** Which settings each method runs: PTQ with observer-calibrated grids, QAT with the presets. */
const PTQ_SETTINGS = ['w8a8', 'w8a8-res16', 'w8a8-ibert', 'w4a8', 'w4a4'];
const QAT_SETTINGS = ['w8a8', 'w8a8-res16', 'w8a8-ibert', 'w4a8-lsq', 'w4a4-lsq'];
/** The rows a smoke run computes (one PTQ, two QAT: the LSQ and the integer-only training paths). */
const SMOKE_ROWS = ['ptq/w4a8', 'qat/w4a8-lsq', 'qat/w8a8-ibert'];

export const suite: Suite = {
  name: 'accuracy-shakespeare-transformer',
  description: 'tiny-shakespeare char transformer (4x128, context 64): FP32 in 30 min, PTQ and QAT at W8A8 (16-bit residual), W4A8, W4A4; validation bpc',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const corpus = await loadTinyShakespeare();
    const size = smoke ? SMOKE_SIZE : SIZE;
    const seed = 1;
    const cache = smoke ? undefined : await RowCache.open('accuracy-shakespeare-transformer');
    const store = smoke ? undefined : fileCheckpointStore(cache?.dir ?? '');
    const only = env.QATJS_TRANSFORMER_ROWS?.split(',').map((s) => s.trim()).filter(Boolean);
    const wanted = (id: string) => !only || only.some((p) => id === p || id.startsWith(`${p}/`) || id.startsWith(p));
    const evalLimit = smoke ? 1 : Infinity;
    const log = (line: string) => console.log(line);
    const rows: Row[] = [];
    const base = { task: 'shakespeare-char', model: `char-transformer-${size.layers}x${size.dModel}`, seed, metric: 'bpc', firstLastBits: 0 };
    const record = async (id: string, make: () => Promise<Row>) => {
      if (!wanted(id)) return;
      const done = cache?.get(id);
      const row = done ?? (await make());
      if (!done) await cache?.put(id, row);
      rows.push(row);
      console.log(`  ${id}: ${(row.value as number).toFixed(3)} bpc`);
    };

    const fp32Name = `s${seed}-fp32.ckpt`;
    let fp32Trained: Record<string, number> = {};
    const fp32Model = async (): Promise<Module> => {
      const m = makeModel(corpus, size, seed);
      const bytes = await store?.read(fp32Name);
      if (bytes) {
        restoreModel(m, decodeCheckpoint(bytes));
        return m;
      }
      console.log(`  training FP32 ${base.model} (budget ${smoke ? 'smoke' : `${BUDGET_MIN} min`})`);
      fp32Trained = train(m, corpus, size, smoke ? SMOKE : FP32, seed, log);
      await store?.write(fp32Name, encodeCheckpoint({ ...captureModel(m), optimizer: { weights: [] }, progress: { step: 0, epoch: 0, evaluations: [] } }));
      return m;
    };

    await record('fp32', async () => {
      const m = await fp32Model();
      const value = validationBpc(m, corpus, size, evalLimit);
      m.dispose();
      const cfg = smoke ? SMOKE : FP32;
      return { ...base, method: 'fp32', quantizer: 'none', wbits: 32, abits: 32, firstLastBits: 32, value, ...fp32Trained, batchSize: cfg.batchSize, learningRate: cfg.learningRate, context: size.context };
    });
    // The control for QAT's gain: the FP32 weights trained QAT's steps more, unquantized (QAT rows
    // continue a budget-limited training, so part of their gain is the extra steps, not quantization).
    await record('fp32-continued', async () => {
      const m = await fp32Model();
      const cfg = smoke ? SMOKE : QAT;
      const trained = train(m, corpus, size, cfg, seed + 1000, log);
      const value = validationBpc(m, corpus, size, evalLimit);
      m.dispose();
      return { ...base, method: 'fp32-continued', quantizer: 'none', wbits: 32, abits: 32, firstLastBits: 32, value, ...trained, learningRate: cfg.learningRate };
    });
    for (const s of SETTINGS) {
      const row = { ...base, quantizer: s.quantizer, wbits: s.wbits, abits: s.abits, firstLastBits: s.wbits, ...(s.residualBits ? { residualBits: s.residualBits } : {}), ...(s.integerOnly ? { integerOnly: true } : {}) };
      if (PTQ_SETTINGS.includes(s.id) && (!smoke || SMOKE_ROWS.includes(`ptq/${s.id}`))) {
        await record(`ptq/${s.id}`, async () => {
          const m = await fp32Model();
          await ptq(m, s.recipe('ptq'), corpus, size, smoke ? 1 : 8);
          const value = validationBpc(m, corpus, size, evalLimit);
          const int = await intRuntimeBpcFields(m, corpus, size, evalLimit);
          m.dispose();
          return { ...row, method: 'ptq', value, ...int };
        });
      }
      if (QAT_SETTINGS.includes(s.id) && (!smoke || SMOKE_ROWS.includes(`qat/${s.id}`))) {
        await record(`qat/${s.id}`, async () => {
          const m = await fp32Model(); // QAT fine-tunes the FP32 weights
          prepare(m, s.recipe('qat'), { onWarning: () => {} });
          const cfg = smoke ? SMOKE : QAT;
          console.log(`  QAT ${s.id}`);
          const trained = train(m, corpus, size, cfg, seed + 1000, log);
          const value = validationBpc(m, corpus, size, evalLimit);
          await store?.write(`s${seed}-qat-${s.id}.ckpt`, encodeCheckpoint({ ...captureModel(m), optimizer: { weights: [] }, progress: { step: 0, epoch: 0, evaluations: [] } }));
          const int = await intRuntimeBpcFields(m, corpus, size, evalLimit);
          m.dispose();
          return { ...row, method: 'qat', value, ...int, ...trained, learningRate: cfg.learningRate };
        });
      }
    }
    return rows;
  },
};
