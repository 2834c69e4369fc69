// fakeQuantize throughput per element, forward and forward+backward, per-tensor and per-channel,
// on the wasm and cpu backends, against tf.mul of the same size (and its gradient) in the same run.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fakeQuantize } from '@qatjs/core';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

const SHAPE = [64, 28, 28, 16]; // a conv activation of a batch-64 MNIST CNN: 802,816 elements
const SMOKE_SHAPE = [2, 8, 8, 4];

function cases(shape: number[]) {
  const channels = shape[shape.length - 1];
  return [
    { granularity: 'per-tensor', scale: () => tf.scalar(0.02), zp: () => tf.scalar(0), axis: undefined as number | undefined },
    {
      granularity: 'per-channel',
      scale: () => tf.linspace(0.01, 0.03, channels),
      zp: () => tf.zeros([channels]),
      axis: shape.length - 1,
    },
  ];
}

export const suite: Suite = {
  name: 'fakequant',
  description: 'fakeQuantize ns/element vs tf.mul of the same size, forward and forward+backward',
  async run({ smoke }) {
    const shape = smoke ? SMOKE_SHAPE : SHAPE;
    const elements = shape.reduce((a, b) => a * b, 1);
    const rows: Row[] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      tf.enableProdMode();
      await tf.setBackend(backend);
      await tf.ready();
      for (const c of cases(shape)) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
        const dy = tf.randomNormal(shape, 0, 1, 'float32', 8);
        const s = c.scale();
        const zp = c.zp();
        const opts = { qmin: -128, qmax: 127, ...(c.axis === undefined ? {} : { axis: c.axis }) };
        const sB = c.axis === undefined ? s : tf.reshape(s, [1, 1, 1, -1]);
        const fq = (a: tf.Tensor, b: tf.Tensor) => fakeQuantize(a, b, zp, opts);
        const mul = (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, c.axis === undefined ? b : tf.reshape(b, [1, 1, 1, -1]));
        // Nothing is returned from tf.tidy: it would walk a returned typed array element by element.
        const fwd = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () =>
          tf.tidy(() => {
            f(x, s).dataSync();
          });
        const fwdBwd = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => () =>
          tf.tidy(() => {
            for (const g of tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b))([x, s], dy)) g.dataSync();
          });
        const ms = await medianMs(
          [
            { name: 'fq', fn: fwd(fq) },
            { name: 'mul', fn: fwd(mul) },
            { name: 'fq-grad', fn: fwdBwd(fq) },
            { name: 'mul-grad', fn: fwdBwd(mul) },
          ],
          { smoke },
        );
        const ns = (name: string) => ((ms.get(name) as number) * 1e6) / elements;
        rows.push({ op: 'forward', backend, granularity: c.granularity, elements, nsPerElement: ns('fq'), baselineNsPerElement: ns('mul') });
        rows.push({ op: 'forward+backward', backend, granularity: c.granularity, elements, nsPerElement: ns('fq-grad'), baselineNsPerElement: ns('mul-grad') });
        tf.dispose([x, dy, s, zp, sB]);
      }
    }
    return rows;
  },
};
