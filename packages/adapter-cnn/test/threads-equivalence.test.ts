// The int runtime on two threads (loadSession(bytes, { threads: 2 })) gives the one-thread outputs
// bit for bit on the CNNs users convert: LeNet-BN and the residual CNN, calibrated on MNIST and
// converted, at batch 64 (where the GEMMs split) and small batches (where most do not).
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, getPreset, type Recipe } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { encodeModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import type { MnistSet } from '@qatjs/datasets';
import { calibratedOn, mnistOnWasm } from './helpers/mnist.ts';

let train: MnistSet;
let test: MnistSet;

async function converted(make: () => ReturnType<typeof lenet>, recipe: Recipe): Promise<Uint8Array> {
  const m = await calibratedOn(make(), recipe, train, 64);
  m.eval();
  const bytes = encodeModel(convert(m, { inputShape: [28, 28, 1], floatOutput: false }));
  m.dispose();
  return bytes;
}

describe('threads: 2 equals threads: 1 on converted MNIST CNNs', () => {
  beforeAll(async () => {
    ({ train, test } = await mnistOnWasm({ train: 128, test: 64 }));
  });

  const cases: Array<[string, () => ReturnType<typeof lenet>, Recipe, boolean]> = [
    ['LeNet-BN W8A8', () => lenet({ seed: 1 }), getPreset('w8a8'), false],
    ['LeNet-BN W4A4, relaxed SIMD where the runtime has it', () => lenet({ seed: 2 }), getPreset('w4a4'), true],
    ['residual CNN W8A8', () => residualCnn({ seed: 5 }) as ReturnType<typeof lenet>, getPreset('w8a8'), false],
  ];
  for (const [name, make, recipe, relaxedSimd] of cases) {
    it(`${name}: the same output codes at batch 64, 7 and 1`, async () => {
      const bytes = await converted(make, recipe);
      const one = await loadSession(bytes, { relaxedSimd });
      const two = await loadSession(bytes, { relaxedSimd, threads: 2 });
      expect(two.threads).toBe(2);
      for (const batch of [64, 7, 1]) {
        const x = test.x.subarray(0, batch * 784);
        const [a, b] = [one.run({ input: x }), two.run({ input: x })];
        for (const name of Object.keys(a)) expect(Array.from(b[name])).toEqual(Array.from(a[name]));
      }
      expect(two.splitGemms).toBeGreaterThan(0);
      one.dispose();
      two.dispose();
    });
  }
});
