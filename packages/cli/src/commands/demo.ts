// qat demo: the whole path on the shipped MNIST, in memory. FP32 LeNet-BN, post-training quantization
// (calibration only), quantization-aware fine-tuning with the default recipe (w8a8), convert, the int
// runtime, and a closing table of accuracy, size and latency.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, captureModel, convert, fit, getPreset, prepare, restoreModel, type Module, type Recipe } from '@qatjs/core';
import { lenet } from '@qatjs/adapter-cnn';
import { loadSession } from '@qatjs/backend-wasm';
import { batches, loadMnist, subset, type LabeledSet } from '@qatjs/datasets';
import { encodeModel, sizeReport } from '@qatjs/ir';
import { modelAccuracy, sessionAccuracy } from '../evaluate.ts';
import { latency } from '../latency.ts';
import type { Io } from '../platform.ts';
import { progress } from '../progress.ts';
import { table } from '../table.ts';
import { setupBackend } from '../backend.ts';

export interface DemoOptions {
  readonly quick?: boolean;
  readonly json?: boolean;
  readonly seed: number;
}

export interface DemoResult {
  readonly quick: boolean;
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly accuracy: { readonly fp32: number; readonly ptqW8a8: number; readonly ptqW4a4: number; readonly qatFakeQuant: number; readonly qatIntRuntime: number };
  /** Share of test images where the int runtime's argmax equals the fake-quant model's (%). */
  readonly agreement: number;
  readonly bytes: { readonly fp32: number; readonly int8: number };
  readonly latencyMs: { readonly batch: number; readonly fp32TfjsWasm: number; readonly int8: number };
  readonly seconds: number;
}

const first = (set: LabeledSet, n: number): LabeledSet => (n >= set.y.length ? set : subset(set, Int32Array.from({ length: n }, (_, i) => i)));

async function trainEpochs(model: Module, set: LabeledSet, epochs: number, lr: number, seed: number, label: string, io: Io, quiet: boolean): Promise<void> {
  const stepsPerEpoch = Math.floor(set.y.length / 64);
  const bar = progress(io, label, epochs * stepsPerEpoch, quiet);
  try {
    await fit(model, {
      epochs,
      stepsPerEpoch,
      batches: (epoch) => batches(set, { batchSize: 64, seed, epoch, dropLast: true }),
      optimizer: { kind: 'adam' },
      learningRate: { kind: 'cosine', initial: lr, warmupSteps: 50 },
      onProgress: (p) => bar.update(p.step, { loss: p.loss }),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    bar.stop();
  }
}

async function calibrated(weights: ReturnType<typeof captureModel>, recipe: Recipe, train: LabeledSet, seed: number): Promise<Module> {
  const m = lenet({ seed });
  restoreModel(m, weights);
  prepare(m, recipe, { onWarning: () => {} });
  const xs = [...batches(train, { batchSize: 64, seed: 7 })].slice(0, 4).map((b) => tf.tensor(b.x, b.shape));
  await calibrate(m, xs);
  tf.dispose(xs);
  return m;
}

export async function demo(o: DemoOptions, io: Io): Promise<DemoResult> {
  const started = Date.now();
  const quiet = Boolean(o.json);
  const say = (t: string) => {
    if (!quiet) io.err(t);
  };
  await setupBackend();
  const [fullTrain, fullTest] = await Promise.all([loadMnist({ split: 'train' }), loadMnist({ split: 'test' })]);
  const train = o.quick ? first(fullTrain, 4000) : fullTrain;
  const test = o.quick ? first(fullTest, 2000) : fullTest;
  say(`MNIST (shipped): ${train.y.length} training and ${test.y.length} test images; tfjs backend ${tf.getBackend()}${o.quick ? '; --quick' : ''}\n`);

  // 1. FP32 training
  const model = lenet({ seed: o.seed });
  await trainEpochs(model, train, o.quick ? 1 : 2, 2e-3, o.seed, 'FP32 LeNet-BN', io, quiet);
  const fp32 = await modelAccuracy(model, test);
  const floatWeights = captureModel(model);
  say(`FP32 accuracy ${fp32.toFixed(2)}%\n`);

  // 2. PTQ: calibration only, at 8 and 4 bits
  const ptq: number[] = [];
  for (const preset of ['w8a8', 'w4a4']) {
    const m = await calibrated(floatWeights, getPreset(preset), train, o.seed);
    ptq.push(await modelAccuracy(m, test));
    m.dispose();
    say(`PTQ ${preset} accuracy ${ptq.at(-1)!.toFixed(2)}%\n`);
  }

  // 3. QAT with the default recipe: observers and batch norm frozen for the last fifth of the run
  const qat = await calibrated(floatWeights, { ...getPreset('w8a8'), schedule: { freezeBatchNormAt: 0.7, freezeObserversAt: 0.8 } }, train, o.seed);
  await trainEpochs(qat, train, 1, 2e-4, o.seed + 1, 'QAT w8a8', io, quiet);
  const qatFake = await modelAccuracy(qat, test);
  say(`QAT w8a8 fake-quant accuracy ${qatFake.toFixed(2)}%\n`);

  // 4. Convert and run the int model
  qat.eval();
  const ir = convert(qat, { inputShape: [28, 28, 1] });
  const bytes = encodeModel(ir);
  const session = await loadSession(bytes);
  const intRun = sessionAccuracy(session, test, qat);

  // 5. Size and latency (batch 64): deployable FP32 on tfjs-backend-wasm vs the int8 runtime
  const size = sizeReport(ir);
  const fp32Bytes = 4 * Object.values(size.constantElementsByDType).reduce((a, b) => a + b, 0);
  const batch = 64;
  restoreModel(model, floatWeights);
  const lat = latency(session, test.x.slice(0, batch * 784), [batch, 28, 28, 1], o.quick ? 10 : 30, model);
  session.dispose();
  qat.dispose();
  model.dispose();
  return {
    quick: Boolean(o.quick),
    trainSamples: train.y.length,
    testSamples: test.y.length,
    accuracy: { fp32, ptqW8a8: ptq[0]!, ptqW4a4: ptq[1]!, qatFakeQuant: qatFake, qatIntRuntime: intRun.accuracy },
    agreement: intRun.agreement!,
    bytes: { fp32: fp32Bytes, int8: bytes.length },
    latencyMs: { batch, fp32TfjsWasm: lat.fp32Ms!, int8: lat.int8Ms },
    seconds: (Date.now() - started) / 1000,
  };
}

export function printDemo(r: DemoResult, io: Io): void {
  const pct = (v: number) => `${v.toFixed(2)}%`;
  io.out(`\nLeNet-BN on MNIST (${r.trainSamples} training / ${r.testSamples} test images)\n\n`);
  io.out(
    table(
      ['model', 'test accuracy', 'size (bytes)', `latency, batch ${r.latencyMs.batch}`],
      [
        ['FP32 (tfjs-backend-wasm, BN folded)', pct(r.accuracy.fp32), r.bytes.fp32, `${r.latencyMs.fp32TfjsWasm.toFixed(2)} ms`],
        ['PTQ w8a8 (calibration only)', pct(r.accuracy.ptqW8a8), '-', '-'],
        ['PTQ w4a4 (calibration only)', pct(r.accuracy.ptqW4a4), '-', '-'],
        ['QAT w8a8, fake-quant', pct(r.accuracy.qatFakeQuant), '-', '-'],
        ['QAT w8a8, int8 runtime (WASM SIMD)', pct(r.accuracy.qatIntRuntime), r.bytes.int8, `${r.latencyMs.int8.toFixed(2)} ms`],
      ],
    ),
  );
  io.out(
    `\nint8 vs FP32: ${(r.bytes.fp32 / r.bytes.int8).toFixed(1)}x smaller, ${(r.latencyMs.fp32TfjsWasm / r.latencyMs.int8).toFixed(1)}x faster; the int runtime's argmax equals the fake-quant model's on ${pct(r.agreement)} of the images. ${r.seconds.toFixed(0)} s in all.\n`,
  );
}
