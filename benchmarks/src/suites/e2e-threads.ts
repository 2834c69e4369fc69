// Two threads against one: the int runtime's throughput at batch 64 with loadSession(bytes,
// { threads: 2 }) (the GEMMs and convs split over the main thread and a worker on one shared memory)
// and with one thread, on the same converted MNIST CNNs and the same inputs as the e2e suite. The two
// sessions run in interleaved rounds, every run timed (paired-runs.ts): medians, the 90th percentile
// (a two-thread time that is sometimes much slower shows there, and in `tail`, never averaged away),
// the median of the per-round ratios, and the load average at the start and the end of the row: on
// a shared machine the second core is not free, and the ratio shows it. The two-thread row also says
// how the work was handed over: jobs a run, the share run on the main thread alone after a stall,
// the worker's share of the chunks, the main thread's wait.
// The smoke run builds a small conv/dense model by hand and runs a few batches: no tfjs, no calibration.
import { loadavg } from 'node:os';
import { loadSession } from '@qatjs/backend-wasm';
import { ModelBuilder, encodeModel, makeQuant, seededUint32, type IntModel } from '@qatjs/ir';
import { pairedRuns, quantile } from '../paired-runs.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

/** A LeNet-shaped integer model (conv 3x3x8, max pool, conv 3x3x16, dense 10) with seeded weights. */
function smallCnn(): IntModel {
  const next = seededUint32(1);
  const codes = (n: number) => Int8Array.from({ length: n }, () => (next() % 255) - 127);
  const b = new ModelBuilder();
  const act = (scale: number) => ({ dtype: 'int8' as const, quant: makeQuant({ scale, zeroPoint: -128 }) });
  const x = b.quantize(b.input('input', 'float32', [-1, 28, 28, 1]), act(1 / 255));
  const w1 = b.constant({ name: 'w1', dtype: 'int8', shape: [3, 3, 1, 8], quant: makeQuant({ scale: 0.01 }), data: codes(72) });
  const c1 = b.conv2d(x, w1, {}, act(0.05));
  const p1 = b.maxPool(c1, { kernel: [2, 2], strides: [2, 2] });
  const w2 = b.constant({ name: 'w2', dtype: 'int8', shape: [3, 3, 8, 16], quant: makeQuant({ scale: 0.005 }), data: codes(1152) });
  const c2 = b.conv2d(p1, w2, {}, act(0.05));
  const w3 = b.constant({ name: 'w3', dtype: 'int8', shape: [11 * 11 * 16, 10], quant: makeQuant({ scale: 0.002 }), data: codes(1936 * 10) });
  const y = b.gemm(b.flatten(c2), w3, {}, act(0.1));
  b.output(b.dequantize(y, { name: 'output' }));
  return b.build();
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** A 90th percentile this much above the median is called out in the row's `tail`. */
const TAIL = 1.15;

/** Median, 10th and 90th percentiles of run times; a heavy tail (a second mode of slow runs) said in words. */
function spread(ms: readonly number[]): Row {
  const [median, p90] = [quantile(ms, 0.5), quantile(ms, 0.9)];
  const slow = ms.filter((v) => v > TAIL * median).length / ms.length;
  const tail = p90 > TAIL * median ? `${Math.round(slow * 100)}% of runs > ${TAIL}x median` : '';
  return { msPerBatch: round3(median), p10: round3(quantile(ms, 0.1)), p90: round3(p90), tail };
}

async function rowsFor(model: string, ir: IntModel, images: Float32Array, batch: number, smoke: boolean): Promise<Row[]> {
  const bytes = encodeModel(ir);
  const one = await loadSession(bytes);
  const two = await loadSession(bytes, { threads: 2 });
  const x = images.slice(0, batch * 784);
  // Identical outputs, or the comparison means nothing.
  const [a, b] = [one, two].map((s) => s.run({ input: x }).output);
  if (a.length !== b.length || a.some((v, i) => !Object.is(v, b[i]))) throw new Error(`e2e-threads: ${model}: two threads' outputs differ from one thread's`);
  let loadStart = 0;
  let before = two.threadStats;
  const onStart = () => {
    loadStart = loadavg()[0];
    before = two.threadStats;
  };
  const t = pairedRuns(() => one.run({ input: x }), () => two.run({ input: x }), smoke ? { rounds: 2, perRound: 3, warmupMs: 20, onStart } : { rounds: 40, perRound: 10, warmupMs: 1500, onStart });
  const after = two.threadStats;
  const loadEnd = loadavg()[0];
  const [m1, m2] = [quantile(t.a, 0.5), quantile(t.b, 0.5)];
  const common = { model, batch, engine: 'qatjs-int8', weights: 'int8', runs: t.a.length, loadAvg1: round2(loadStart), loadAvg1End: round2(loadEnd) };
  const handoff: Row = {};
  if (before && after) {
    const runs = t.b.length;
    const chunks = after.chunks - before.chunks;
    const solo = after.soloJobs - before.soloJobs;
    handoff.jobsPerRun = round2((after.handoffs - before.handoffs + solo) / runs);
    // Jobs the main thread ran alone after a stalled one (a worker descheduled holding a chunk).
    handoff.soloJobShare = round2(solo / Math.max(1, after.handoffs - before.handoffs + solo));
    handoff.workerChunkShare = round2(chunks === 0 ? 0 : 1 - (after.mainChunks - before.mainChunks) / chunks);
    handoff.waitMsPerRun = round3((after.waitMs - before.waitMs) / runs);
  }
  const rows: Row[] = [
    { ...common, threads: one.threads, ...spread(t.a), speedup: 1 },
    { ...common, threads: two.threads, ...spread(t.b), speedup: round2(m1 / m2), roundRatio: round2(quantile(t.roundRatios, 0.5)), ...handoff },
  ];
  one.dispose();
  two.dispose();
  return rows;
}

export const suite: Suite = {
  name: 'e2e-threads',
  description: 'MNIST CNN inference at batch 64 on the int runtime: two threads (one worker) vs one, same run',
  async run({ smoke }) {
    if (smoke) {
      const next = seededUint32(2);
      const images = Float32Array.from({ length: 4 * 784 }, () => (next() % 256) / 255);
      return rowsFor('small-cnn', smallCnn(), images, 4, true);
    }
    // The real models need tfjs to convert: loaded only here.
    const tf = await import('@tensorflow/tfjs-core');
    const { initBackend } = await import('@qatjs/core');
    const { loadMnist } = await import('@qatjs/datasets');
    const { CNN_MODELS, convertedModel } = await import('../int-models.ts');
    tf.enableProdMode();
    await initBackend('wasm');
    const images = await loadMnist({ split: 'test', limit: 256 });
    const rows: Row[] = [];
    for (const [name, make] of Object.entries(CNN_MODELS)) {
      const ir = await convertedModel(make, 'w8a8', images);
      for (const batch of [64]) rows.push(...(await rowsFor(name, ir, images.x, batch, false)));
    }
    return rows;
  },
};
