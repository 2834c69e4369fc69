// The demo: train a small network on real data in float, fine-tune it with W8A8 fake quantization,
// and compare; then show what post-training quantization (calibration only) gives at 4 bits.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, getPreset, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { batches, loadDigits, trainTestSplit } from '@qatjs/datasets';
import { Mlp, accuracy, trainClassifier } from '@qatjs/test-models';

tf.enableProdMode();
await initBackend('wasm');
const data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
console.log(`sklearn digits: ${data.train.y.length} training and ${data.test.y.length} test images (8x8), backend ${tf.getBackend()}`);

const sizes = [64, 64, 32, 10];
let t = Date.now();
const model = new Mlp(sizes, 2);
trainClassifier(model, data.train, { steps: 600, batchSize: 64, learningRate: 1e-2, seed: 2 });
const fp32 = accuracy(model, data.test);
console.log(`FP32 training, 600 steps:           ${fp32.toFixed(2)}%  (${Date.now() - t} ms)`);

// Post-training quantization: copy the float weights into fresh models, calibrate, evaluate.
async function ptq(preset: string): Promise<number> {
  const copy = new Mlp(sizes, 2);
  copy.namedParameters().forEach(([, v], i) => v.assign(model.namedParameters()[i][1]));
  prepare(copy, preset, { onWarning: () => {} });
  const calib = [...batches(data.train, { batchSize: 128 })].slice(0, 4).map((b) => tf.tensor2d(b.x, [b.y.length, 64]));
  await calibrate(copy, calib);
  tf.dispose(calib);
  const acc = accuracy(copy, data.test);
  copy.dispose();
  return acc;
}
console.log(`PTQ W8A8 (calibrate 512 images):    ${(await ptq('w8a8')).toFixed(2)}%`);
console.log(`PTQ W4A4 (calibrate 512 images):    ${(await ptq('w4a4')).toFixed(2)}%`);

t = Date.now();
const report = prepare(model, getPreset('w8a8'));
trainClassifier(model, data.train, { steps: 200, batchSize: 64, learningRate: 1e-3, seed: 102 });
const qat = accuracy(model, data.test);
console.log(`QAT W8A8 fine-tuning, 200 steps:    ${qat.toFixed(2)}%  (${Date.now() - t} ms, ${report.points.length} quantization points)`);
for (const [label, q] of model.namedQuantizers()) {
  const p = q.qparams();
  const scale = p.scale.length === 1 ? p.scale[0].toPrecision(4) : `${p.scale.length} per-channel scales`;
  console.log(`  ${label.padEnd(12)} ${q.quantizer.padEnd(10)} ${q.spec.bits}-bit ${q.spec.signed ? 'signed' : 'unsigned'}  scale ${scale}  zero point ${p.zeroPoint.length === 1 ? p.zeroPoint[0] : '0 (symmetric)'}`);
}
model.dispose();
