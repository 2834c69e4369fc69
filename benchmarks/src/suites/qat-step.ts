// One training step (forward, backward, Adam update) of a CNN or the seqMNIST LSTM in float against the same model with
// fake quantization (QAT), on the wasm backend, in the same process: the cost of QAT. The character
// transformer's rows come from qat-step-transformer.ts.
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, initBackend, prepare, type Module, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { sequenceClassifier } from '@qatjs/adapter-rnn';
import { batches, loadMnist } from '@qatjs/datasets';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';
import { transformerStepRows } from './qat-step-transformer.ts';

// Each model with the shape it reads the MNIST batch as: images [B, 28, 28, 1], or 28 rows of 28
// pixels [B, 28, 28] for the recurrent ones (the accuracy-seqmnist-rnn models).
const MODELS: Record<string, { make: () => Module; rows?: boolean }> = {
  'lenet-bn': { make: () => lenet({ seed: 1 }) },
  'residual-cnn': { make: () => residualCnn({ seed: 1 }) },
  'lstm-128': { make: () => sequenceClassifier({ cell: 'lstm', inputSize: 28, hidden: 128, classes: 10, maxSteps: 28, seed: 1 }), rows: true },
};
const RECIPES: Record<string, () => Recipe> = {
  w8a8: () => getPreset('w8a8'),
};

function stepper(model: Module, x: tf.Tensor, y: tf.Tensor) {
  const opt = tf.train.adam(1e-4);
  const vars = model.trainableVariables();
  const step = () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as tf.Scalar, true, vars);
    loss?.dataSync();
    loss?.dispose();
  };
  return { step, dispose: () => opt.dispose() };
}

export const suite: Suite = {
  name: 'qat-step',
  description: 'training step time, FP32 vs QAT (fake quantization), same model, wasm backend',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const batchSize = smoke ? 4 : 64;
    const data = await loadMnist({ split: 'train', limit: batchSize });
    const b = batches(data, { batchSize }).next().value;
    if (!b) throw new Error('no batch');
    const images = tf.tensor(b.x, b.shape);
    const y = tf.oneHot(tf.tensor1d(b.y, 'int32'), 10);
    const rows: Row[] = [];
    for (const [modelName, { make, rows: asRows }] of Object.entries(MODELS)) {
      const x = asRows ? tf.reshape(images, [batchSize, 28, 28]) : images;
      for (const [recipeName, recipe] of Object.entries(RECIPES)) {
        const fp32 = make();
        const qat = make();
        prepare(qat, recipe(), { onWarning: () => {} });
        const a = stepper(fp32, x, y);
        const q = stepper(qat, x, y);
        a.step(); // first steps create optimizer slots and observer statistics
        q.step();
        const ms = await medianMs(
          [
            { name: 'fp32', fn: a.step },
            { name: 'qat', fn: q.step },
          ],
          { smoke, timeMs: 8000 },
        );
        const fp32Ms = ms.get('fp32') as number;
        const qatMs = ms.get('qat') as number;
        rows.push({ model: modelName, backend: 'wasm', recipe: recipeName, batch: batchSize, fp32Ms, qatMs, ratio: qatMs / fp32Ms });
        a.dispose();
        q.dispose();
        fp32.dispose();
        qat.dispose();
      }
      if (x !== images) x.dispose();
    }
    tf.dispose([images, y]);
    rows.push(...(await transformerStepRows(smoke)));
    return rows;
  },
};
