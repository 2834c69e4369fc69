// Model file size: the IntModel file (encodeModel) with int8 and with int4 weights against the FP32
// weights of the same deployable model (folded batch norm: every weight and bias as float32). The
// file's JSON header and its quant tables (binary scales and zero points) are reported apart.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import { encodeModel, sizeReport } from '@qatjs/ir';
import { loadMnist } from '@qatjs/datasets';
import { CNN_MODELS, INT_FORMATS, convertedModel } from '../int-models.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

export const suite: Suite = {
  name: 'size',
  description: 'IntModel file bytes (int8, int4 weights) vs the FP32 weights of the same model',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const images = await loadMnist({ split: 'test', limit: 256 });
    const rows: Row[] = [];
    for (const modelName of smoke ? ['lenet-bn'] : Object.keys(CNN_MODELS)) {
      let fp32Bytes = 0;
      for (const [weights, preset] of Object.entries(INT_FORMATS)) {
        const ir = await convertedModel(CNN_MODELS[modelName], preset, images);
        const report = sizeReport(ir);
        const parameters = Object.values(report.constantElementsByDType).reduce((a, b) => a + b, 0);
        if (fp32Bytes === 0) {
          fp32Bytes = 4 * parameters;
          rows.push({ model: modelName, format: 'fp32-weights', bytes: fp32Bytes, parameters, ratio: 1 });
        }
        const bytes = encodeModel(ir).length;
        if (bytes !== report.fileBytes) throw new Error(`sizeReport says ${report.fileBytes} bytes, encodeModel wrote ${bytes}`);
        rows.push({ model: modelName, format: `qatjs-${weights}`, bytes, parameters, headerBytes: report.headerBytes, quantBytes: report.quantBytes, ratio: bytes / fp32Bytes });
      }
    }
    return rows;
  },
};
