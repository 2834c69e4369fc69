// What the fit and checkpoint tests share: a small MLP on the 8x8 digits, a W8A8 recipe of the test
// quantizer, and fit options over seeded digit batches.
import { Sequential, type FitOptions } from '@qatjs/core';
import { batches, type LabeledSet } from '@qatjs/datasets';
import { TestDense } from './test-layers.ts';

export const digitsMlp = (seed = 11) => new Sequential([new TestDense(32, 64, true, seed), new TestDense(10, 32, false, seed + 1)]);

export const TEST_W8A8 = {
  rules: [
    { match: '*', weight: { quantizer: 'test-observed', bits: 8, perChannel: true }, output: { quantizer: 'test-observed', bits: 8 } },
    { match: '@first', input: { quantizer: 'test-observed', bits: 8 } },
  ],
};

/** Adam at 1e-2 over seeded batches of 64 (28 a epoch), `epochs` epochs; `over` replaces any field. */
export const digitsFitOptions = (digits: () => LabeledSet, epochs: number, over: Partial<FitOptions> = {}): FitOptions => ({
  epochs,
  batches: (epoch) => batches(digits(), { batchSize: 64, seed: 5, epoch, dropLast: true }),
  optimizer: { kind: 'adam' },
  learningRate: 1e-2,
  ...over,
});
