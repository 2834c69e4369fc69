import { convert, fit, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet } from '@qatjs/adapter-cnn';
import { batches, loadMnist } from '@qatjs/datasets';
import { encodeModel } from '@qatjs/ir';

await initBackend('wasm');
const train = await loadMnist({ split: 'train', limit: 2048 });
const model = lenet({ seed: 1 });
const data = { batches: (epoch: number) => batches(train, { batchSize: 64, seed: 1, epoch, dropLast: true }) };
await fit(model, { ...data, epochs: 1, optimizer: { kind: 'adam' }, learningRate: 2e-3 }); // float
prepare(model, 'w8a8');                                                                   // attach fake quantizers
await fit(model, { ...data, epochs: 1, optimizer: { kind: 'adam' }, learningRate: 2e-4 }); // QAT fine-tuning
const intModel = convert(model, { inputShape: [28, 28, 1] });
console.log(intModel.nodes.map((n) => n.op).join(' -> '), encodeModel(intModel).length, 'bytes');
// quantize -> conv2d -> maxPool -> conv2d -> maxPool -> flatten -> gemm -> gemm -> dequantize 83377 bytes
