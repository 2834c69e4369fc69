// Two threads against one: the int runtime's throughput at batch 64 with loadSession(bytes,
// { threads: 2 }) (the GEMMs split over the main thread and a worker on one shared memory) and with
// one thread, on the same converted MNIST CNNs as the e2e suite, measured in the same run in
// alternating rounds (measure.ts). Each row also says the load average while it ran: on a shared
// machine the second core is not free, and the ratio shows it.
// The smoke run builds a small conv/dense model by hand and runs a few batches: no tfjs, no calibration.
import { loadavg } from 'node:os';
import { loadSession, type IntSession } from '@qatjs/backend-wasm';
import { ModelBuilder, encodeModel, makeQuant, seededUint32, type IntModel } from '@qatjs/ir';
import { medianMs } from '../measure.ts';
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

async function rowsFor(model: string, ir: IntModel, images: Float32Array, batch: number, smoke: boolean): Promise<Row[]> {
  const bytes = encodeModel(ir);
  const sessions: [number, IntSession][] = [[1, await loadSession(bytes)], [2, await loadSession(bytes, { threads: 2 })]];
  const x = images.slice(0, batch * 784);
  // Identical outputs, or the comparison means nothing.
  const [a, b] = sessions.map(([, s]) => s.run({ input: x }).output);
  if (a.length !== b.length || a.some((v, i) => !Object.is(v, b[i]))) throw new Error(`e2e-threads: ${model}: two threads' outputs differ from one thread's`);
  const load = loadavg()[0];
  const ms = await medianMs(sessions.map(([t, s]) => ({ name: String(t), fn: () => s.run({ input: x }) })), { smoke, timeMs: 6000 });
  const base = ms.get('1') as number;
  const rows = sessions.map(([threads, s]) => ({
    model, batch, engine: 'qatjs-int8', weights: 'int8', threads: s.threads, msPerBatch: ms.get(String(threads)) as number,
    speedup: base / (ms.get(String(threads)) as number), loadAvg1: Math.round(((load + loadavg()[0]) / 2) * 100) / 100,
  }));
  for (const [, s] of sessions) s.dispose();
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
