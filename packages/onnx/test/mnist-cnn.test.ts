import { beforeAll, describe, expect, it } from 'vitest';
import { convert, getPreset, initBackend, type Module, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { loadSession } from '@qatjs/backend-wasm';
import { loadMnist, type MnistSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { exportOnnx, type OnnxExportOptions } from '../src/index.ts';
import { ortSession, runFloat, type Optimization } from './helpers/ort.ts';
import { agreement, fakeQuantLogits, outputGrid, report, trainedQat } from './helpers/qat.ts';
import { FULL_RUN, casesForRuntime } from './helpers/runtime.ts';

// LeNet-BN and the residual CNN, QAT-trained briefly on the shipped MNIST, exported and run on the
// MNIST test set in onnxruntime-web with graph optimizations off and on, and compared with the
// fake-quant model and with the int runtime (backend-wasm). Under Node every case on the whole test
// set (10,000 images); under Bun and Deno the first case on the first 2,000 (helpers/runtime.ts).

const IMAGES = FULL_RUN ? 10_000 : 2_000;
let train: MnistSet;
let test: MnistSet;

async function ortLogits(bytes: Uint8Array, level: Optimization): Promise<Float32Array> {
  const session = await ortSession(bytes, level);
  const out = new Float32Array(IMAGES * 10);
  for (let start = 0; start < IMAGES; start += 1000) {
    const n = Math.min(1000, IMAGES - start);
    out.set(await runFloat(session, test.x.subarray(start * 784, (start + n) * 784), [n, 28, 28, 1]), start * 10);
  }
  await session.release();
  return out;
}

type Export = [string, OnnxExportOptions, Optimization[]];
const OPSET_13: Export = ['opset 13', {}, ['disabled', 'all']];
// onnxruntime-web 1.30 fails to load opset-21 QDQ graphs with its extended optimizations (see the guide)
const INT4: Export = ['opset 21 int4', { opset: 21, lowBits: 'int4' }, ['disabled', 'basic']];
const cases: Array<[string, () => Module, Recipe, Export[]]> = [
  ['LeNet-BN W8A8', () => lenet({ seed: 1 }), getPreset('w8a8'), [OPSET_13]],
  ['residual CNN W8A8', () => residualCnn({ seed: 5 }), getPreset('w8a8'), [OPSET_13]],
  ['LeNet-BN W4A4', () => lenet({ seed: 2 }), getPreset('w4a4'), [['opset 13 QCDQ', {}, ['disabled', 'all']], INT4]],
];

describe('exported CNNs agree with the fake-quant model and the int runtime on the MNIST test set', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await useBackend('wasm');
    train = await loadMnist({ split: 'train', limit: 3000 });
    test = await loadMnist({ split: 'test', limit: IMAGES });
  });

  for (const [name, make, recipe, exports] of casesForRuntime(cases)) {
    const what = exports.map(([e, , levels]) => `${e} with optimizations ${levels.join(' and ')}`).join('; ');
    it(`${name} (${what}): >= 99.9% same argmax as the fake-quant model and the int runtime, logits within 1 output quantum`, async () => {
      const model = await trainedQat(make(), recipe, train);
      const ir = convert(model, { inputShape: [28, 28, 1] });
      const grid = outputGrid(ir);
      const fake = fakeQuantLogits(model, test, IMAGES);
      const session = await loadSession(ir);
      const int = new Float32Array(fake.length);
      for (let start = 0; start < IMAGES; start += 1000) {
        const n = Math.min(1000, IMAGES - start);
        int.set(session.run({ input: test.x.subarray(start * 784, (start + n) * 784) })[ir.outputs[0]] as Float32Array, start * 10);
      }
      session.dispose();
      const rows = [];
      for (const [form, options, levels] of exports) {
        const bytes = exportOnnx(ir, options);
        for (const level of levels) {
          const onnx = await ortLogits(bytes, level);
          const vsFake = agreement(fake, onnx, grid, test.y);
          const vsInt = agreement(int, onnx, grid, test.y);
          console.log(report(`${name}, ${form}, onnxruntime optimizations ${level} vs fake-quant, ${IMAGES} images`, vsFake));
          console.log(report(`${name}, ${form}, onnxruntime optimizations ${level} vs int runtime, ${IMAGES} images`, vsInt));
          rows.push(vsFake, vsInt);
        }
      }
      for (const r of rows) {
        expect(r.argmax).toBeGreaterThanOrEqual(0.999);
        expect(r.quanta).toBeLessThanOrEqual(1 + 1e-3);
      }
      model.dispose();
    });
  }
});
