import * as tf from '@tensorflow/tfjs-core';
import { convert, fit, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { sequenceClassifier } from '@qatjs/adapter-rnn';
import { batches, loadMnist } from '@qatjs/datasets';
import { runReference } from '@qatjs/ir';

await initBackend('wasm');
// MNIST images as sequences: 28 steps (rows) of 28 pixels
const mnist = await loadMnist({ split: 'train', limit: 512 });
const rows = { ...mnist, shape: [512, 28, 28] };

const model = sequenceClassifier({ cell: 'lstm', inputSize: 28, hidden: 32, classes: 10, maxSteps: 28 });
// int8 weights (per channel) and hidden state, 16-bit gates and cell: no RNN point needs naming
const report = prepare(model, 'w8a8');
console.log(report.points.map((p) => `${p.label}: ${p.quantizer} ${p.bits}-bit`).join('\n'));

await fit(model, {
  epochs: 2,
  batches: (epoch) => batches(rows, { batchSize: 64, seed: 1, epoch }),
  optimizer: { kind: 'adam' },
  learningRate: { kind: 'cosine', initial: 1e-2 },
});

// One fused integer lstm op per layer and direction; the integer model equals the fake-quant one.
model.eval();
const intModel = convert(model, { inputShape: [28, 28], floatOutput: false });
const sample = rows.x.subarray(0, 8 * 28 * 28);
const codes = runReference(intModel, { input: { data: sample, shape: [8, 28, 28] } })[intModel.outputs[0]];
const logits = tf.tidy(() => model.forward(tf.tensor(sample, [8, 28, 28])).arraySync() as number[][]);
const argmax = (v: ArrayLike<number>) => Array.from(v).indexOf(Math.max(...Array.from(v)));
for (let i = 0; i < 8; i++) {
  if (argmax(codes.slice(i * 10, i * 10 + 10)) !== argmax(logits[i])) throw new Error(`sample ${i}: the integer model disagrees`);
}
console.log(`integer model: ${intModel.nodes.map((n) => n.op).join(', ')}`);
