import * as ort from 'onnxruntime-web';
import { convert, fit, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet } from '@qatjs/adapter-cnn';
import { batches, loadMnist } from '@qatjs/datasets';
import { exportOnnx } from '@qatjs/onnx';

await initBackend('wasm');
const train = await loadMnist({ split: 'train', limit: 512 });
const model = lenet({ seed: 1 });
const data = { batches: (epoch: number) => batches(train, { batchSize: 64, seed: 1, epoch, dropLast: true }) };
await fit(model, { ...data, epochs: 1, optimizer: { kind: 'adam' }, learningRate: 2e-3 }); // float
prepare(model, 'w8a8');                                                                   // fake quantizers
await fit(model, { ...data, epochs: 1, optimizer: { kind: 'adam' }, learningRate: 2e-4 }); // QAT
const bytes = exportOnnx(convert(model, { inputShape: [28, 28, 1] }));                    // ONNX QDQ, opset 13

ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(bytes);
const test = await loadMnist({ split: 'test', limit: 4 });
const { output } = await session.run({ input: new ort.Tensor('float32', test.x, [4, 28, 28, 1]) });
console.log(session.inputNames, session.outputNames, output.dims); // [ 'input' ] [ 'output' ] [ 4, 10 ]
