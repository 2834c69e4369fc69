// The README's example, whole: train LeNet-BN on (part of) the shipped MNIST in float, fine-tune it
// with fake quantization (QAT, the w8a8 preset), convert it to an integer model and run that on the
// int8 WASM runtime. examples/test/readme.test.ts checks that the README shows exactly this code and
// runs it.
// --- README example start
import { convert, evaluate, fit, getPreset, initBackend, prepare, type FitOptions } from '@qatjs/core';
import '@qatjs/quantizer-uniform'; // registers 'uniform' (symmetric)
import '@qatjs/quantizer-asymmetric'; // registers 'asymmetric' (affine, zero point)
import { lenet } from '@qatjs/adapter-cnn';
import { batches, loadMnist } from '@qatjs/datasets';
import { loadSession } from '@qatjs/backend-wasm';

await initBackend('wasm');
const train = await loadMnist({ split: 'train', limit: 2000 });
const test = await loadMnist({ split: 'test', limit: 1000 });
const training = (learningRate: number): FitOptions => ({
  epochs: 1,
  batches: (epoch) => batches(train, { batchSize: 64, seed: 1, epoch, dropLast: true }),
  optimizer: { kind: 'adam' },
  learningRate: { kind: 'cosine', initial: learningRate },
});

const model = lenet(); // layers conv1, pool1, conv2, pool2, flatten, fc1, fc2
await fit(model, training(2e-3)); // train in float as usual...
const report = prepare(model, getPreset('w8a8')); // ...insert quantizers by recipe rules...
await fit(model, training(2e-4)); // ...fine-tune with fake quantization (QAT)
const fakeQuant = await evaluate(model, batches(test, { batchSize: 500 }));

model.eval();
const session = await loadSession(convert(model, { inputShape: [28, 28, 1] }));
const { output } = session.run({ input: test.x.subarray(0, 784) }); // int8 WASM SIMD kernels, no tfjs
console.log(`${report.points.length} quantization points; fake-quant accuracy ${fakeQuant.value.toFixed(2)}%`);
console.log(`int8 logits of the first test image: ${Array.from(output, (v) => v.toFixed(2)).join(' ')} (label ${test.y[0]})`);
// --- README example end
