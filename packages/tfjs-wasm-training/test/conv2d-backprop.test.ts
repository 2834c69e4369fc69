import { describe, it } from 'vitest';
import { data, describeCase, expectKernelMatchesCpu, outShape, randomConvCases, size, type ConvCase } from './helpers/kernel-compare.ts';

// Conv2DBackpropFilter (missing on wasm) and Conv2DBackpropInput (ours replaces a slow one) against
// tfjs-backend-cpu's kernels. These kernels take no dilation (tfjs's ops never pass one); dilated
// conv gradients are covered by dilated-gradients.test.ts.
const NAMED: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [3, 9, 8, 2], filter: [2, 3, 2, 5], strides: [2, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 3], filter: [1, 1, 3, 4], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [1, 11, 9, 2], filter: [5, 5, 2, 3], strides: [3, 3], dilations: [1, 1], pad: 'same' },
  // explicit padding larger than the filter reaches (rows that only see padding)
  { x: [2, 4, 4, 2], filter: [3, 3, 2, 2], strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [4, 0], [0, 3], [0, 0]] },
  { x: [2, 5, 7, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: [[0, 0], [1, 2], [0, 3], [0, 0]] },
  // numeric padding with ceil rounding: the last window reads past the input
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: [2, 2], dilations: [1, 1], pad: 0 },
  // at least 8 input channels, fewer than output channels: the filter gradient uses x as the filter
  { x: [2, 9, 7, 8], filter: [3, 2, 8, 12], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { x: [3, 6, 8, 9], filter: [3, 3, 9, 16], strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { x: [1, 7, 7, 8], filter: [3, 3, 8, 10], strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [3, 0], [0, 0], [0, 0]] },
  { x: [2, 10, 10, 8], filter: [4, 4, 8, 12], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  // 28x28 with 8 -> 16 channels, as in an MNIST CNN (batch 8: cpu's reference kernel is slow)
  { x: [8, 28, 28, 8], filter: [3, 3, 8, 16], strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

const CASES = [...NAMED, ...randomConvCases(40, 20261127, { depthwise: false, dilation: false })];

function attrsOf(c: ConvCase) {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: typeof c.pad === 'number' ? 'ceil' : undefined };
}

describe('Conv2DBackpropFilter on wasm matches tfjs-backend-cpu', () => {
  CASES.forEach((c, i) => {
    it(`${describeCase(c)}`, async () => {
      const dy = outShape(c, false);
      await expectKernelMatchesCpu('Conv2DBackpropFilter', { x: data(c.x, 10 + i), dy: data(dy, 500 + i) }, { ...attrsOf(c), filterShape: c.filter }, describeCase(c));
    });
  });
});

describe('Conv2DBackpropInput on wasm matches tfjs-backend-cpu', () => {
  CASES.forEach((c, i) => {
    it(`${describeCase(c)}`, async () => {
      const dy = outShape(c, false);
      await expectKernelMatchesCpu('Conv2DBackpropInput', { dy: data(dy, 900 + i), filter: data(c.filter, 1300 + i) }, { ...attrsOf(c), inputShape: c.x }, describeCase(c));
    });
  });

  it('has output of the input shape even when no dy row reaches some input rows', async () => {
    const c: ConvCase = { x: [1, 9, 9, 2], filter: [1, 1, 2, 3], strides: [3, 3], dilations: [1, 1], pad: 'valid' };
    const dy = outShape(c, false);
    if (size(dy) !== 27) throw new Error('fixture: expected a 3x3x3 dy');
    await expectKernelMatchesCpu('Conv2DBackpropInput', { dy: data(dy, 7), filter: data(c.filter, 8) }, { ...attrsOf(c), inputShape: c.x }, describeCase(c));
  });
});
