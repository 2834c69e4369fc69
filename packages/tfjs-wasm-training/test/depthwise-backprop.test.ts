import { describe, it } from 'vitest';
import { dilateFilter } from '@qatjs/tfjs-wasm-training';
import * as tf from '@tensorflow/tfjs-core';
import { data, describeCase, expectClose, kernelOn, outShape, randomConvCases, type ConvCase, type Data } from './helpers/kernel-compare.ts';

// DepthwiseConv2dNativeBackpropInput / ...Filter, both missing on wasm, against tfjs-backend-cpu.
// Our kernels honour the dilations attr; cpu's ignore it, so a dilated case is compared with cpu's
// kernel on the equivalent undilated filter (zeros between taps), its filter gradient read at every
// d-th tap.
const NAMED: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { x: [3, 9, 8, 2], filter: [2, 3, 2, 2], strides: [2, 1], dilations: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 3], filter: [1, 1, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 1], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { x: [1, 10, 8, 2], filter: [2, 3, 2, 2], strides: [1, 1], dilations: [2, 3], pad: 'valid' },
  { x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [3, 1], [0, 4], [0, 0]] },
  // stride and dilation together: tfjs's ops refuse it, the kernels accept it (our zero-upsampling path)
  { x: [2, 11, 10, 2], filter: [3, 2, 2, 2], strides: [2, 2], dilations: [2, 2], pad: 'same' },
  { x: [16, 14, 14, 8], filter: [3, 3, 8, 2], strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

const CASES = [...NAMED, ...randomConvCases(40, 977, { depthwise: true, dilation: true })];

function attrsOf(c: ConvCase, dilations: [number, number]) {
  return { strides: c.strides, pad: c.pad, dilations, dimRoundingMode: typeof c.pad === 'number' ? 'ceil' : undefined };
}

function dilated(c: ConvCase): ConvCase {
  const [dh, dw] = c.dilations;
  return { ...c, filter: [(c.filter[0] - 1) * dh + 1, (c.filter[1] - 1) * dw + 1, c.filter[2], c.filter[3]], dilations: [1, 1] };
}

async function dilatedFilterData(w: Data, d: [number, number]): Promise<Data> {
  const wd = tf.tidy(() => dilateFilter(tf.tensor4d(w.values, w.shape as [number, number, number, number]), d[0], d[1]));
  const out = { values: Float32Array.from(wd.dataSync() as Float32Array), shape: wd.shape };
  wd.dispose();
  return out;
}

function everyDthTap(g: Float32Array, shape: number[], d: [number, number], filter: number[]): Float32Array {
  const [kh, kw, c, m] = filter;
  const out = new Float32Array(kh * kw * c * m);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((i * d[0]) * shape[1] + j * d[1]) * c * m;
      out.set(g.subarray(src, src + c * m), (i * kw + j) * c * m);
    }
  }
  return out;
}

describe('DepthwiseConv2dNativeBackpropInput on wasm matches tfjs-backend-cpu', () => {
  CASES.forEach((c, i) => {
    it(describeCase(c), async () => {
      const dy = data(outShape(c, true), 300 + i);
      const w = data(c.filter, 700 + i);
      const wasm = await kernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrsOf(c, c.dilations), inputShape: c.x });
      const ref = dilated(c);
      const cpu = await kernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: await dilatedFilterData(w, c.dilations) }, { ...attrsOf(ref, [1, 1]), inputShape: c.x });
      expectClose(wasm, cpu, 2e-5, describeCase(c));
    });
  });
});

describe('DepthwiseConv2dNativeBackpropFilter on wasm matches tfjs-backend-cpu', () => {
  CASES.forEach((c, i) => {
    it(describeCase(c), async () => {
      const x = data(c.x, 100 + i);
      const dy = data(outShape(c, true), 1100 + i);
      const wasm = await kernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrsOf(c, c.dilations), filterShape: c.filter });
      const ref = dilated(c);
      const cpuDilated = await kernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrsOf(ref, [1, 1]), filterShape: ref.filter });
      expectClose(wasm, everyDthTap(cpuDilated, ref.filter, c.dilations, c.filter), 2e-5, describeCase(c));
    });
  });
});
