import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import { dilateFilter } from '@qatjs/tfjs-wasm-training';
import { BACKENDS, randomUniform, size, valuesOn } from '@qatjs/test-utils';
import { expectClose } from './helpers/expect-close.ts';

// initBackend installs the dilated-conv gradients (and, for wasm, the training kernels).
beforeAll(async () => {
  await initBackend('wasm');
});

// tfjs 4.22's own conv gradients refuse dilation > 1; ours handle it on every backend. Checked three
// ways: dilateFilter reproduces the dilated forward conv; the gradients equal those of an undilated
// conv on the dilated filter (tfjs's stock gradient path); and a central difference of a loss that
// is quadratic in the weights (exact for any step) confirms the filter gradient independently.
type Conv = 'conv2d' | 'depthwise';
interface Case {
  kind: Conv;
  x: [number, number, number, number];
  w: [number, number, number, number];
  d: [number, number];
  pad: 'same' | 'valid';
}
const CASES: Case[] = [
  { kind: 'conv2d', x: [2, 9, 9, 3], w: [3, 3, 3, 4], d: [2, 2], pad: 'same' },
  { kind: 'conv2d', x: [1, 10, 8, 2], w: [2, 3, 2, 3], d: [2, 3], pad: 'valid' },
  { kind: 'conv2d', x: [3, 7, 8, 1], w: [3, 2, 1, 2], d: [3, 2], pad: 'same' },
  { kind: 'depthwise', x: [2, 9, 9, 3], w: [3, 3, 3, 1], d: [2, 2], pad: 'same' },
  { kind: 'depthwise', x: [1, 11, 8, 2], w: [3, 2, 2, 2], d: [2, 3], pad: 'valid' },
];

const label = (c: Case) => `${c.kind} x[${c.x}] w[${c.w}] dilation ${c.d} ${c.pad}`;

function conv(c: Case, x: tf.Tensor4D, w: tf.Tensor4D, d: [number, number]): tf.Tensor4D {
  return c.kind === 'conv2d' ? tf.conv2d(x, w, 1, c.pad, 'NHWC', d) : tf.depthwiseConv2d(x, w, 1, c.pad, 'NHWC', d);
}

/** 0.5 * sum(conv^2): quadratic in the weights for fixed x and in x for fixed weights. */
function loss(c: Case, x: tf.Tensor4D, w: tf.Tensor4D, d: [number, number]): tf.Scalar {
  return tf.mul(0.5, tf.sum(tf.square(conv(c, x, w, d))));
}

for (const backend of BACKENDS) {
  describe(`dilated conv gradients on ${backend}`, () => {
    CASES.forEach((c, i) => {
      const xv = randomUniform(size(c.x), 10 + i, -1, 1);
      const wv = randomUniform(size(c.w), 20 + i, -1, 1);
      const vv = randomUniform(size(c.w), 30 + i, -1, 1);
      const x = () => tf.tensor4d(xv, c.x);
      const w = () => tf.tensor4d(wv, c.w);

      it(`${label(c)}: dilateFilter reproduces the dilated forward conv`, async () => {
        const [dilatedConv, undilated] = await valuesOn(backend, () => [conv(c, x(), w(), c.d), conv(c, x(), dilateFilter(w(), c.d[0], c.d[1]), [1, 1])]);
        expectClose(dilatedConv, undilated, 1e-5, label(c));
      });

      it(`${label(c)}: gradients equal the undilated conv's on the dilated filter`, async () => {
        const ours = await valuesOn(backend, () => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(c, a as tf.Tensor4D, b as tf.Tensor4D, c.d))([x(), w()]));
        const stock = await valuesOn(backend, () => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(c, a as tf.Tensor4D, dilateFilter(b as tf.Tensor4D, c.d[0], c.d[1]), [1, 1]))([x(), w()]));
        expectClose(ours[0], stock[0], 2e-5, `${label(c)} dx`);
        expectClose(ours[1], stock[1], 2e-5, `${label(c)} dw`);
      });

      it(`${label(c)}: the filter gradient matches a central difference`, async () => {
        const [dw, plus, minus] = await valuesOn(backend, () => {
          const v = tf.tensor4d(vv, c.w);
          return [tf.grad((b: tf.Tensor) => loss(c, x(), b as tf.Tensor4D, c.d))(w()), loss(c, x(), tf.add(w(), v), c.d), loss(c, x(), tf.sub(w(), v), c.d)];
        });
        let directional = 0;
        for (let k = 0; k < dw.length; k++) directional += dw[k] * vv[k];
        const central = (plus[0] - minus[0]) / 2;
        expect(Math.abs(directional - central)).toBeLessThan(1e-4 * (Math.abs(plus[0]) + Math.abs(minus[0])));
      });
    });
  });
}
