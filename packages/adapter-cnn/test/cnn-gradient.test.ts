import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import { randomUniform, size, useBackend, type TestBackend } from '@qatjs/test-utils';
import { expectClose } from './helpers/expect-close.ts';

// Whole small CNNs differentiated by stock tfjs (tf.grads, optimizer.minimize) on wasm, against
// tfjs-backend-cpu. tf.losses.softmaxCrossEntropy is a customGrad op, which tfjs's IS_TEST leak
// check reports falsely on both backends, so these tests run with IS_TEST off; the tensor and
// backend-data counts are checked directly instead.
type Params = Record<string, tf.Tensor>;
type Net = { params: Record<string, number[]>; input: number[]; classes: number; forward: (x: tf.Tensor4D, p: Params) => tf.Tensor2D };

const NETS: Record<string, Net> = {
  // conv -> relu -> maxpool -> depthwise -> dense -> loss
  'conv-maxpool-depthwise-dense': {
    input: [3, 12, 12, 2],
    classes: 5,
    params: { w1: [3, 3, 2, 4], b1: [4], dw: [3, 3, 4, 2], w2: [72, 5], b2: [5] },
    forward: (x, p) => {
      let h = tf.relu(tf.add(tf.conv2d(x, p.w1 as tf.Tensor4D, 1, 'same'), p.b1)) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu6(tf.depthwiseConv2d(h, p.dw as tf.Tensor4D, 2, 'same'));
      return tf.add(tf.matMul(tf.reshape(h, [h.shape[0], -1]), p.w2 as tf.Tensor2D), p.b2);
    },
  },
  // strided conv, batch norm (batch statistics), avg pool, residual add, dilated conv, max pool,
  // global average and global max pooling, dense
  'bn-residual-pools': {
    input: [4, 13, 13, 2],
    classes: 4,
    params: { w1: [3, 3, 2, 6], gamma: [6], beta: [6], w2: [3, 3, 6, 6], w3: [1, 1, 6, 6], w4: [3, 3, 6, 8], w5: [16, 4], b5: [4] },
    forward: (x, p) => {
      let h: tf.Tensor4D = tf.conv2d(x, p.w1 as tf.Tensor4D, 2, 'valid');
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.relu(tf.batchNorm(h, mean, variance, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, 1e-3)) as tf.Tensor4D;
      const branch = tf.avgPool(tf.conv2d(h, p.w2 as tf.Tensor4D, 1, 'same'), 3, 1, 'same');
      h = tf.relu6(tf.add(branch, tf.conv2d(h, p.w3 as tf.Tensor4D, 1, 'valid'))) as tf.Tensor4D;
      h = tf.conv2d(tf.maxPool(h, 3, 2, 'same'), p.w4 as tf.Tensor4D, 1, 'same', 'NHWC', 2);
      const pooled = tf.concat([tf.mean(h, [1, 2]), tf.max(h, [1, 2])], 1);
      return tf.add(tf.matMul(pooled, p.w5 as tf.Tensor2D), p.b5);
    },
  },
  // tfjs's fused ops (bias and activation in the kernel; their gradients call the same backprop kernels)
  'fused-ops': {
    input: [2, 10, 9, 3],
    classes: 3,
    params: { w1: [3, 3, 3, 8], b1: [8], dw: [3, 3, 8, 1], bd: [8], w2: [72, 6], b2: [6], w3: [6, 3] },
    forward: (x, p) => {
      let h = tf.fused.conv2d({ x, filter: p.w1 as tf.Tensor4D, strides: 2, pad: 'same', bias: p.b1, activation: 'relu' });
      h = tf.fused.depthwiseConv2d({ x: h, filter: p.dw as tf.Tensor4D, strides: 1, pad: 'valid', bias: p.bd, activation: 'relu6' });
      const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
      const d = tf.fused.matMul({ a: flat, b: p.w2 as tf.Tensor2D, bias: p.b2, activation: 'relu' });
      return tf.matMul(d, p.w3 as tf.Tensor2D);
    },
  },
};

function labels(n: number, classes: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % classes), 'int32'), classes) as tf.Tensor2D;
}

function paramValues(net: Net, seed: number): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(net.params).map(([k, shape], i) => {
    const fanIn = shape.length > 1 ? size(shape.slice(0, -1)) : 1;
    const scale = shape.length > 1 ? Math.sqrt(3 / fanIn) : 0.5;
    return [k, randomUniform(size(shape), seed + i, k === 'gamma' ? 0.5 : -scale, k === 'gamma' ? 1.5 : scale)];
  }));
}

async function start(backend: TestBackend): Promise<void> {
  await initBackend(backend);
  await useBackend(backend);
  tf.env().set('IS_TEST', false);
}

async function gradientsOn(backend: TestBackend, net: Net, seed: number): Promise<Float32Array[]> {
  await start(backend);
  const values = paramValues(net, seed);
  const xv = randomUniform(size(net.input), seed + 100, -1, 1);
  const names = Object.keys(net.params);
  const grads = tf.tidy(() => {
    const x = tf.tensor4d(xv, net.input as [number, number, number, number]);
    const y = labels(net.input[0], net.classes);
    const f = (...args: tf.Tensor[]) => {
      const p = Object.fromEntries(names.map((k, i) => [k, args[i + 1]]));
      return tf.losses.softmaxCrossEntropy(y, net.forward(args[0] as tf.Tensor4D, p)) as tf.Scalar;
    };
    return tf.grads(f)([x, ...names.map((k) => tf.tensor(values[k], net.params[k]))]);
  });
  const out = grads.map((g) => Float32Array.from(g.dataSync() as Float32Array));
  tf.dispose(grads);
  return out;
}

describe('whole-CNN gradients on wasm match tfjs-backend-cpu', () => {
  for (const [name, net] of Object.entries(NETS)) {
    it(name, async () => {
      const cpu = await gradientsOn('cpu', net, 5);
      const wasm = await gradientsOn('wasm', net, 5);
      const names = ['input', ...Object.keys(net.params)];
      cpu.forEach((g, i) => {
        expect({ gradient: names[i], allZero: g.every((v) => v === 0) }).toEqual({ gradient: names[i], allZero: false });
        expectClose(wasm[i], g, 1e-4, `${name}: gradient of ${names[i]}`);
      });
    });
  }
});

describe('training steps on wasm leave no tensors or backend data behind', () => {
  for (const [name, net] of Object.entries(NETS)) {
    for (const optimizer of ['sgd', 'adam'] as const) {
      it(`${name} with ${optimizer}`, async () => {
        await start('wasm');
        const values = paramValues(net, 9);
        const vars = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.variable(tf.tensor(v, net.params[k]))]));
        const x = tf.tensor4d(randomUniform(size(net.input), 3, -1, 1), net.input as [number, number, number, number]);
        const y = labels(net.input[0], net.classes);
        const opt = optimizer === 'sgd' ? tf.train.sgd(0.05) : tf.train.adam(0.01);
        const step = () => {
          const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x, vars)) as tf.Scalar, true);
          const value = loss!.dataSync()[0];
          loss!.dispose();
          return value;
        };
        const first = step();
        const counts = [tf.memory().numTensors, tf.backend().numDataIds()];
        let last = first;
        for (let i = 0; i < 4; i++) last = step();
        expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual(counts);
        expect(Number.isFinite(last)).toBe(true);
        expect(last).toBeLessThan(first);
        opt.dispose();
        tf.dispose([x, y, ...Object.values(vars)]);
      });
    }
  }
});
