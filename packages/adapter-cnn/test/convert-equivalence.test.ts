import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, fit, getPreset, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { runReference, type IntModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { batches, loadMnist, type MnistSet } from '@qatjs/datasets';
import { compareLogits } from '@qatjs/test-models';
import { calibratedOn, mnistOnWasm } from './helpers/mnist.ts';

let train: MnistSet;
let test: MnistSet;
const IMAGES = 100;

/** A briefly trained float model, then quantized: QAT for a few steps (observers and LSQ steps move). */
async function trainedQat(make: () => ReturnType<typeof lenet>, recipe: Recipe) {
  const m = make();
  const opts = { epochs: 1, batches: (e: number) => batches(train, { batchSize: 32, seed: 2, epoch: e, dropLast: true }), optimizer: { kind: 'adam' as const }, learningRate: 2e-3 };
  await fit(m, { ...opts, maxSteps: 80 });
  await calibratedOn(m, recipe, train, 64);
  await fit(m, { ...opts, learningRate: 2e-4, maxSteps: 20 });
  return m;
}

type Codes = (ir: IntModel, x: Float32Array, n: number) => Int8Array | Promise<Int8Array>;

/** The reference interpreter's output codes. */
const referenceCodes: Codes = (ir, x) => runReference(ir, { input: x })[ir.outputs[0]] as Int8Array;

/**
 * Compares the fake-quant model with the converted IntModel (int8 output codes) run by `codes`, on
 * the first `images` test images in chunks of 500: the largest logit difference in output quanta and
 * the share of images whose argmax agrees (a tie in the float logits counts as agreement).
 */
async function compare(m: ReturnType<typeof lenet>, images: number, codes: Codes = referenceCodes) {
  const ir = convert(m, { inputShape: [28, 28, 1], floatOutput: false });
  const outQuant = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
  if (!outQuant) throw new Error('int8 output expected');
  const [s, zp] = [outQuant.scale[0], outQuant.zeroPoint[0]];
  m.eval();
  let worst = 0;
  let sameArgmax = 0;
  let fakeCorrect = 0;
  let intCorrect = 0;
  for (let start = 0; start < images; start += 500) {
    const n = Math.min(500, images - start);
    const x = test.x.subarray(start * 784, (start + n) * 784);
    const got = await codes(ir, x, n);
    const fake = tf.tidy(() => m.forward(tf.tensor(x, [n, 28, 28, 1])).dataSync());
    const cmp = compareLogits(fake, got, 10, s, zp);
    worst = Math.max(worst, cmp.worstQuanta);
    sameArgmax += cmp.sameArgmax;
    for (let i = 0; i < n; i++) {
      const label = test.y[start + i];
      if (argmax(fake, i * 10, 10) === label) fakeCorrect++;
      if (argmax(got, i * 10, 10) === label) intCorrect++;
    }
  }
  m.train();
  return { worst, agreement: sameArgmax / images, fakeAccuracy: fakeCorrect / images, intAccuracy: intCorrect / images };
}

function argmax(v: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[offset + j] > v[offset + best]) best = j;
  return best;
}

describe('converted models compute what the fake-quant models compute', () => {
  beforeAll(async () => {
    ({ train, test } = await mnistOnWasm({ train: 3000, test: IMAGES }));
  });

  const cases: Array<[string, () => ReturnType<typeof lenet>, Recipe]> = [
    ['LeNet-BN W8A8', () => lenet({ seed: 1 }), getPreset('w8a8')],
    ['LeNet-BN W4A4 (uniform, first/last at 8 bits)', () => lenet({ seed: 2 }), getPreset('w4a4', { firstLastBits: 8 })],
    ['LeNet-BN W4A4 LSQ (int4 weights)', () => lenet({ seed: 3 }), getPreset('w4a4', { weightQuantizer: 'lsq', activationQuantizer: 'lsq' })],
    ['LeNet-BN W2A2 LSQ (int2 weights)', () => lenet({ seed: 4 }), getPreset('w2a2')],
    ['residual CNN W8A8', () => residualCnn({ seed: 5 }) as ReturnType<typeof lenet>, getPreset('w8a8')],
  ];
  for (const [name, make, recipe] of cases) {
    it(`${name}: logits within 1 output quantum, same argmax, on ${IMAGES} MNIST test images`, async () => {
      const m = await trainedQat(make, recipe);
      const { worst, agreement } = await compare(m, IMAGES);
      expect(worst).toBeLessThanOrEqual(1 + 1e-3);
      expect(agreement).toBeGreaterThanOrEqual(0.99);
      m.dispose();
    });
  }
});

describe('the int runtime (backend-wasm) matches the fake-quant models on the whole MNIST test set', () => {
  let full: MnistSet;
  beforeAll(async () => {
    full = await loadMnist({ split: 'test' });
  });
  const asymmetric = { weightQuantizer: 'asymmetric', activationQuantizer: 'asymmetric' };
  const cases: Array<[string, Recipe, boolean]> = [
    ['LeNet-BN W8A8', getPreset('w8a8'), false],
    ['LeNet-BN W4A4 (every layer, int4 weights)', getPreset('w4a4'), false],
    // affine weights: per-channel zero points stored with the codes (the runtime subtracts them)
    ['LeNet-BN W8A8, asymmetric weights', getPreset('w8a8', asymmetric), true],
    ['LeNet-BN W4A4, asymmetric int4 weights', getPreset('w4a4', asymmetric), true],
  ];
  for (const [name, recipe, exact] of cases) {
    it(`${name}: >= 99.9% same argmax, logits within 1 output quantum, on 10,000 images`, async () => {
      const m = await trainedQat(() => lenet({ seed: 6 }), recipe);
      const saved = test;
      test = full;
      let session: Awaited<ReturnType<typeof loadSession>> | undefined;
      const intCodes: Codes = async (ir, x) => {
        session ??= await loadSession(ir);
        return session.run({ input: x })[ir.outputs[0]] as Int8Array;
      };
      try {
        const { worst, agreement, fakeAccuracy, intAccuracy } = await compare(m, full.y.length, intCodes);
        console.log(`int runtime vs fake-quant, ${name}, 10,000 MNIST test images: accuracy ${(100 * intAccuracy).toFixed(2)}% (fake-quant ${(100 * fakeAccuracy).toFixed(2)}%), argmax agreement ${(100 * agreement).toFixed(2)}%, largest logit difference ${worst.toFixed(3)} output quanta`);
        expect(worst).toBeLessThanOrEqual(1 + 1e-3);
        expect(agreement).toBeGreaterThanOrEqual(exact ? 1 : 0.999);
        if (exact) expect(intAccuracy).toBe(fakeAccuracy);
      } finally {
        test = saved;
        session?.dispose();
        m.dispose();
      }
    });
  }
});
