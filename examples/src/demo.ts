// The demo: the whole path on real data. Train a LeNet-style CNN with batch norm on MNIST in float,
// quantize it after training (PTQ) and with quantization-aware fine-tuning (QAT), convert the QAT
// model to an integer model file, load that file in the int8 WebAssembly runtime (no tfjs), and check
// that it agrees with the fake-quant model and runs faster than the float model on tfjs-backend-wasm.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, convert, fit, getPreset, initBackend, prepare, captureModel, restoreModel } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet } from '@qatjs/adapter-cnn';
import { batches, loadMnist, type LabeledSet } from '@qatjs/datasets';
import { encodeModel, sizeReport } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Model = ReturnType<typeof lenet>;

tf.enableProdMode();
await initBackend('wasm');
const train = await loadMnist({ split: 'train' });
const test = await loadMnist({ split: 'test' });
console.log(`MNIST: ${train.y.length} training and ${test.y.length} test images (shipped in @qatjs/datasets), tfjs backend ${tf.getBackend()}\n`);

function accuracy(model: Model, set: LabeledSet): number {
  model.eval();
  let correct = 0;
  for (const b of batches(set, { batchSize: 500 })) {
    correct += tf.tidy(() => {
      const pred = tf.argMax(model.forward(tf.tensor(b.x, b.shape)), 1).dataSync();
      let n = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === b.y[i]) n++;
      return n;
    });
  }
  model.train();
  return (100 * correct) / set.y.length;
}

async function trainEpochs(model: Model, epochs: number, learningRate: number, seed: number): Promise<number> {
  const t = Date.now();
  await fit(model, {
    epochs,
    batches: (epoch) => batches(train, { batchSize: 64, seed, epoch, dropLast: true }),
    optimizer: { kind: 'adam' },
    learningRate: { kind: 'cosine', initial: learningRate, warmupSteps: 50 },
  });
  return (Date.now() - t) / 1000;
}

// 1. Float training
const model = lenet({ seed: 1 });
const fp32Seconds = await trainEpochs(model, 2, 2e-3, 1);
const fp32 = accuracy(model, test);
const floatWeights = captureModel(model);
console.log(`FP32 LeNet-BN, 2 epochs             ${fp32.toFixed(2)}%   (${fp32Seconds.toFixed(0)} s)`);

// 2. Post-training quantization at 4 bits: calibrate a copy on 256 images
const ptqModel = lenet({ seed: 1 });
restoreModel(ptqModel, floatWeights);
prepare(ptqModel, getPreset('w4a4'), { onWarning: () => {} });
const calib = [...batches(train, { batchSize: 64 })].slice(0, 4).map((b) => tf.tensor(b.x, b.shape));
await calibrate(ptqModel, calib);
tf.dispose(calib);
console.log(`PTQ W4A4 (calibration only)         ${accuracy(ptqModel, test).toFixed(2)}%`);
ptqModel.dispose();

// 3. Quantization-aware fine-tuning at W8A8: batch norm folded, statistics frozen for the last steps
const recipe = { ...getPreset('w8a8'), schedule: { freezeBatchNormAt: 120, freezeObserversAt: 140 } };
prepare(model, recipe);
const qatSeconds = await trainEpochs(model, 1, 2e-4, 2);
const qat = accuracy(model, test);
console.log(`QAT W8A8, 1 epoch of fine-tuning    ${qat.toFixed(2)}%   (${qatSeconds.toFixed(0)} s)`);

// 4. Convert to an integer model file and load it in the int8 WASM runtime
model.eval();
const intModel = convert(model, { inputShape: [28, 28, 1] });
const dir = await mkdtemp(join(tmpdir(), 'qatjs-demo-'));
const file = join(dir, 'lenet-w8a8.qir');
await writeFile(file, encodeModel(intModel));
const size = sizeReport(intModel);
const parameters = Object.values(size.constantElementsByDType).reduce((a, b) => a + b, 0);
console.log(`\nconvert -> ${file}: ${size.fileBytes} bytes (${((100 * size.fileBytes) / (4 * parameters)).toFixed(1)}% of the ${4 * parameters} bytes of FP32 weights)`);

const session = await loadSession(await readFile(file));
let intCorrect = 0;
let agree = 0;
for (const b of batches(test, { batchSize: 500 })) {
  const logits = session.run({ input: b.x }).output;
  const fake = tf.tidy(() => tf.argMax(model.forward(tf.tensor(b.x, b.shape)), 1).dataSync());
  for (let i = 0; i < b.y.length; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
    if (best === b.y[i]) intCorrect++;
    if (best === fake[i]) agree++;
  }
}
console.log(`int8 runtime (WASM SIMD, no tfjs)   ${((100 * intCorrect) / test.y.length).toFixed(2)}%   argmax = fake-quant model's on ${((100 * agree) / test.y.length).toFixed(2)}% of images`);

// 5. Speed: one batch of 64 images, float model on tfjs-backend-wasm vs the int model
const x = test.x.slice(0, 64 * 784);
const floatModel = lenet({ seed: 1 });
restoreModel(floatModel, floatWeights);
floatModel.eval();
const time = (fn: () => unknown, runs = 30): number => {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[runs >> 1];
};
const tfjsMs = time(() => tf.tidy(() => floatModel.forward(tf.tensor(x, [64, 28, 28, 1])).dataSync()));
const intMs = time(() => session.run({ input: x }));
// (the float layers fold batch norm on every call; npm run bench -- e2e compares against the
// deployable float model, folded once, with tinybench)
console.log(`batch of 64: FP32 layers on tfjs-wasm ${tfjsMs.toFixed(2)} ms, int8 runtime ${intMs.toFixed(2)} ms (${(tfjsMs / intMs).toFixed(1)}x, median of 30)`);
session.dispose();
floatModel.dispose();
model.dispose();
