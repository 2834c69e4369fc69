// The tiny-shakespeare char-LSTM protocol: training on random windows (FP32 within a wall-clock
// budget, QAT fine-tunes), PTQ calibration, and bits per character of the fake-quant model and of
// its integer model (the int runtime, or the IR's reference interpreter while the runtime lacks an op).
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, convert, fit, prepare, type Recipe } from '@qatjs/core';
import { bitsPerCharacter, charLstm, type CharLstm } from '@qatjs/adapter-rnn';
import type { CharCorpus } from '@qatjs/datasets';
import type { Row } from '../results.ts';
import { intRunner } from './int-runtime-eval.ts';

export interface LmConfig {
  readonly embed: number;
  readonly hidden: number;
  readonly seqLen: number;
  readonly batchSize: number;
}

export interface LmTrainConfig {
  readonly steps: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  /** Stop at this wall-clock time (ms since the epoch) even before `steps`. */
  readonly deadline?: number;
  /** Global gradient-norm clipping (fit's clipNorm; default none). */
  readonly clipNorm?: number;
}

export function makeLm(corpus: CharCorpus, cfg: LmConfig, seed: number): CharLstm {
  return charLstm({ vocab: corpus.vocab, embed: cfg.embed, hidden: cfg.hidden, maxSteps: 512, seed });
}

/** Trains on seeded random windows; returns the steps taken (fewer than cfg.steps if the deadline came first). */
export async function trainLm(m: CharLstm, corpus: CharCorpus, cfg: LmConfig, t: LmTrainConfig, seed: number): Promise<number> {
  let taken = 0;
  await fit(m, {
    epochs: 1,
    stepsPerEpoch: t.steps,
    batches: () =>
      (function* () {
        let prev: tf.Tensor[] = [];
        for (const b of corpus.randomWindows({ split: 'train', seqLen: cfg.seqLen, batchSize: cfg.batchSize, seed, steps: t.steps })) {
          tf.dispose(prev); // fit copies each batch
          if (t.deadline !== undefined && Date.now() > t.deadline) break;
          prev = [tf.tensor2d(b.x, b.shape, 'int32'), tf.tensor2d(b.y, b.shape, 'int32')];
          taken++;
          yield { x: prev[0], y: prev[1] };
        }
        tf.dispose(prev);
      })(),
    optimizer: { kind: 'adam' },
    learningRate: { kind: 'cosine', initial: t.learningRate, warmupSteps: t.warmupSteps },
    ...(t.clipNorm ? { clipNorm: t.clipNorm } : {}),
  });
  return taken;
}

/** Milliseconds a training step takes here and now (6 steps of a throwaway model of the same size; a little high: it counts the first step). */
export async function measureStepMs(corpus: CharCorpus, cfg: LmConfig): Promise<number> {
  const probe = makeLm(corpus, cfg, 99);
  const started = Date.now();
  const steps = await trainLm(probe, corpus, cfg, { steps: 6, learningRate: 1e-3, warmupSteps: 0 }, 99);
  probe.dispose();
  return (Date.now() - started) / steps;
}

/** PTQ: prepare, then calibrate on `batchCount` training windows. */
export async function ptqLm(m: CharLstm, recipe: Recipe, corpus: CharCorpus, cfg: LmConfig, batchCount: number): Promise<void> {
  prepare(m, recipe, { onWarning: () => {} });
  const calib = [...corpus.randomWindows({ split: 'train', seqLen: cfg.seqLen, batchSize: cfg.batchSize, seed: 77, steps: batchCount })].map((b) => tf.tensor2d(b.x, b.shape, 'int32'));
  await calibrate(m, calib);
  tf.dispose(calib);
}

const SEQ = 128;
const REFERENCE_CHARS = 2048;

/**
 * bpc of the integer model on the first `limit` validation characters (2048 with the IR reference
 * interpreter; windows of 128 from zero states, as bitsPerCharacter), beside the fake-quant model's
 * bpc on the same characters.
 */
export async function intRuntimeBpc(m: CharLstm, ids: Int32Array, limit: number): Promise<Row> {
  let ir;
  try {
    ir = convert(m, { inputs: [{ name: 'tokens', shape: [-2], dtype: 'int32' }], floatOutput: false });
  } catch (e) {
    return { intRuntimeValue: null, intRuntimeNote: `not convertible: ${(e as Error).message.slice(0, 200)}` };
  }
  const q = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
  if (!q) throw new Error('convert: int8 logits expected');
  const runner = await intRunner(ir);
  // the reference interpreter is scalar TypeScript: its first REFERENCE_CHARS characters only
  const windows = Math.floor(Math.min(runner.engine === 'int-runtime' ? limit : REFERENCE_CHARS, ids.length - 1) / SEQ);
  const V = m.vocabSize;
  let nats = 0;
  try {
    for (let w = 0; w < windows; w += 8) {
      const b = Math.min(8, windows - w);
      const x = new Int32Array(b * SEQ);
      for (let r = 0; r < b; r++) x.set(ids.subarray((w + r) * SEQ, (w + r + 1) * SEQ), r * SEQ);
      const codes = runner.run({ tokens: { data: x, shape: [b, SEQ] } });
      for (let r = 0; r < b; r++) {
        for (let t = 0; t < SEQ; t++) {
          const at = (r * SEQ + t) * V;
          const logits = Array.from({ length: V }, (_, c) => (codes[at + c] - q.zeroPoint[0]) * q.scale[0]);
          const top = Math.max(...logits);
          const lse = top + Math.log(logits.reduce((s, v) => s + Math.exp(v - top), 0));
          nats += lse - logits[ids[(w + r) * SEQ + t + 1]];
        }
      }
    }
  } finally {
    runner.dispose();
  }
  const chars = windows * SEQ;
  return {
    intRuntimeValue: nats / chars / Math.LN2,
    intRuntimeFakeQuantValue: bitsPerCharacter(m, ids, { seqLen: SEQ, limit: chars }),
    intRuntimeSamples: chars,
    ...(runner.engine === 'int-runtime' ? {} : { intRuntimeEngine: runner.engine }),
  };
}
