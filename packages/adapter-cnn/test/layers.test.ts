import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError, Sequential } from '@qatjs/core';
import { AvgPool2d, Conv2d, DepthwiseConv2d, Flatten, GlobalAvgPool2d, MaxPool2d, ResidualBlock, lenet, residualCnn } from '@qatjs/adapter-cnn';
import { BACKENDS, randomNormal, useBackend } from '@qatjs/test-utils';

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  expect(worst).toBeLessThan(tol);
}

for (const backend of BACKENDS) {
  describe(`CNN layers in float (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('Conv2d computes conv + bias + activation, with strides, padding, dilation and groups', () => {
      const x = tf.tensor4d(randomNormal(2 * 9 * 9 * 4, 1), [2, 9, 9, 4]);
      for (const o of [
        { strides: 2, padding: 'same' as const },
        { padding: 'valid' as const, dilation: 2 },
        { padding: 1, activation: 'relu6' as const },
        { groups: 2, activation: 'relu' as const },
      ]) {
        const conv = new Conv2d({ inChannels: 4, filters: 6, kernelSize: 3, seed: 3, ...o });
        tf.tidy(() => {
          conv.bias?.assign(tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5, -1]));
          const pad = typeof conv.padding === 'number' ? ([[0, 0], [1, 1], [1, 1], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : conv.padding;
          const c = (a: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(a, w, conv.strides, pad, 'NHWC', conv.dilation);
          let want: tf.Tensor;
          if (conv.groups === 2) {
            const [x0, x1] = tf.split(x, 2, 3);
            const [w0, w1] = tf.split(conv.weight, 2, 3);
            want = tf.concat([c(x0 as tf.Tensor4D, w0 as tf.Tensor4D), c(x1 as tf.Tensor4D, w1 as tf.Tensor4D)], 3);
          } else want = c(x, conv.weight as tf.Tensor4D);
          want = tf.add(want, conv.bias as tf.Tensor);
          if (o.activation === 'relu') want = tf.relu(want);
          if (o.activation === 'relu6') want = tf.relu6(want);
          close(conv.forward(x), want);
        });
        conv.dispose();
      }
      x.dispose();
    });

    it('DepthwiseConv2d computes its product', () => {
      const x = tf.tensor4d(randomNormal(7 * 7 * 3, 2), [1, 7, 7, 3]);
      const dw = new DepthwiseConv2d({ inChannels: 3, kernelSize: 3, channelMultiplier: 2, useBias: false, seed: 4 });
      tf.tidy(() => close(dw.forward(x), tf.depthwiseConv2d(x, dw.weight as tf.Tensor4D, 1, 'same')));
      x.dispose();
      dw.dispose();
    });

    it('pools, flattens, and a residual block adds its branches', () => {
      const x = tf.tensor4d(randomNormal(2 * 6 * 6 * 3, 6), [2, 6, 6, 3]);
      tf.tidy(() => {
        close(new MaxPool2d({ poolSize: 2 }).forward(x), tf.maxPool(x, 2, 2, 'valid'));
        close(new AvgPool2d({ poolSize: 3, strides: 1, padding: 'same' }).forward(x), tf.avgPool(x, 3, 1, 'same'));
        close(new GlobalAvgPool2d().forward(x), tf.mean(x, [1, 2]));
        expect(new Flatten().forward(x).shape).toEqual([2, 108]);
        const block = new ResidualBlock({ main: new MaxPool2d({ poolSize: 1 }), activation: 'relu' });
        close(block.forward(x), tf.relu(tf.mul(x, 2)));
        // the residual sum's per-channel axis is NHWC's channel axis
        expect(block.add.quantPoints()).toEqual([{ name: 'output', role: 'activation', channelAxis: 3, nonNegative: true }]);
        block.dispose();
      });
      x.dispose();
    });

    it('builds LeNet-BN and a residual CNN with stable paths and the right shapes', () => {
      const net = lenet({ seed: 2 });
      expect([...net.namedModules()].filter(([, m]) => m.quantPoints().length > 0).map(([p, m]) => `${p}:${m.kind}`)).toEqual([
        'conv1:Conv2d',
        'conv2:Conv2d',
        'fc1:Dense',
        'fc2:Dense',
      ]);
      const res = residualCnn({ seed: 3 });
      expect([...res.namedModules()].filter(([, m]) => m.quantPoints().length > 0).map(([p]) => p)).toEqual([
        'stem',
        'block1.main.conv1',
        'block1.main.conv2',
        'block1.add',
        'block2.main.conv1',
        'block2.main.conv2',
        'block2.shortcut',
        'block2.add',
        'pool',
        'fc',
      ]);
      const x = tf.zeros([3, 28, 28, 1]);
      net.eval();
      res.eval();
      tf.tidy(() => {
        expect(net.forward(x).shape).toEqual([3, 10]);
        expect(res.forward(x).shape).toEqual([3, 10]);
      });
      x.dispose();
      net.dispose();
      res.dispose();
    });

    it('rejects bad options and inputs with errors naming the layer', () => {
      const cases: Array<[() => unknown, RegExp]> = [
        [() => new Conv2d({ inChannels: 0, filters: 2, kernelSize: 3 }), /Conv2d: inChannels must be an integer >= 1, got 0/],
        [() => new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, groups: 2 }), /groups \(2\) must divide inChannels \(3\) and filters \(4\)/],
        [() => new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, padding: 'full' as never }), /padding must be 'same', 'valid' or a non-negative integer, got "full"/],
        [() => new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, activation: 'gelu' as never }), /activation must be one of none, relu, relu6, got "gelu"/],
        [() => new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3, strides: 2, dilation: 2 }), /strides > 1 with dilation > 1/],
        [() => new Conv2d({ inChannels: 4, filters: 2, kernelSize: 1, batchNorm: { momentum: 2 } }), /BatchNorm: momentum must be in \(0, 1\]/],
        [() => new MaxPool2d({ poolSize: [2, 0] as never }), /poolSize\[1\] must be an integer >= 1/],
        [() => new Conv2d({ inChannels: 3, filters: 4, kernelSize: 3 }).forward(tf.zeros([1, 5, 5, 2])), /Conv2d: input has 2 channels, the layer expects 3/],
        [() => new Conv2d({ inChannels: 4, filters: 2, kernelSize: 1 }).forward(tf.zeros([4, 4])), /Conv2d: input must have rank 4 \(NHWC\)/],
        [() => new Conv2d({ inChannels: 1, filters: 1, kernelSize: 1 }).forward(tf.zeros([1, 2, 2, 1], 'int32')), /input must be float32, got int32/],
        [() => new ResidualBlock({ main: 'x' as never }), /ResidualBlock: main must be a Module/],
      ];
      for (const [fn, message] of cases) {
        expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(QatjsError);
        expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(message);
      }
      expect(new Sequential([]).namedModules().next().value?.[0]).toBe('');
    });
  });
}
