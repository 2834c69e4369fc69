import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError } from '@qatjs/core';
import { Add, BatchNorm, Dense, LayerError, Mul, applyActivation, broadcastShape, checkActivation } from '@qatjs/layers';
import { BACKENDS, closeMismatch, randomNormal, useBackend } from '@qatjs/test-utils';

function close(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(closeMismatch(a.dataSync(), b.dataSync(), 1e-5, 'values')).toBe('');
}

const normal = (shape: number[], seed: number) => tf.tensor(randomNormal(shape.reduce((p, d) => p * d, 1), seed), shape);

for (const backend of BACKENDS) {
  describe(`shared layers in float (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('Dense computes x w + b and its activation', () => {
      const fc = new Dense({ inFeatures: 5, units: 3, activation: 'relu', seed: 5 });
      const v = tf.tensor2d(randomNormal(10, 3), [2, 5]);
      tf.tidy(() => close(fc.forward(v), tf.relu(tf.add(tf.matMul(v, fc.weight as tf.Tensor2D), fc.bias as tf.Tensor))));
      expect(fc.quantPoints().map((p) => [p.name, p.channelAxis])).toEqual([['input', 1], ['weight', 1], ['output', 1]]);
      v.dispose();
      fc.dispose();
    });

    it('Add and Mul broadcast as numpy does, then apply their activation', () => {
      const a = normal([2, 3, 4], 1);
      const cases: Array<[number[], number[]]> = [[[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [4]], [[2, 3, 4], [2, 1, 4]], [[1, 4], [3, 1]], [[2, 3, 4], []]];
      cases.forEach(([sa, sb], i) => {
        tf.tidy(() => {
          const x = tf.reshape(tf.slice(tf.reshape(a, [-1]), 0, sa.reduce((p, d) => p * d, 1)), sa);
          const y = normal(sb, 10 + i);
          close(new Add().forward(x, y), tf.add(x, y));
          close(new Add({ activation: 'relu' }).forward(x, y), tf.relu(tf.add(x, y)));
          close(new Mul().forward(x, y), tf.mul(x, y));
          close(new Mul({ activation: 'relu6' }).forward(y, tf.mul(x, 4)), tf.relu6(tf.mul(y, tf.mul(x, 4))));
          expect(broadcastShape(x, y, 'test')).toEqual(tf.broadcast_util.assertAndGetBroadcastShape(sa, sb));
        });
      });
      a.dispose();
    });

    it('Add and Mul declare their output channel axis: given, the last of rank, or none', () => {
      expect(new Add({ rank: 4 }).quantPoints()).toEqual([{ name: 'output', role: 'activation', channelAxis: 3, nonNegative: false }]);
      expect(new Mul({ rank: 3, activation: 'relu' }).quantPoints()).toEqual([{ name: 'output', role: 'activation', channelAxis: 2, nonNegative: true }]);
      expect(new Mul({ axis: 1 }).quantPoints()).toEqual([{ name: 'output', role: 'activation', channelAxis: 1, nonNegative: false }]);
      expect(new Add().quantPoints()).toEqual([{ name: 'output', role: 'activation', nonNegative: false }]);
    });

    it('rejects bad options and inputs with errors naming the layer', () => {
      const x = tf.zeros([2, 6, 6, 3]);
      const cases: Array<[() => unknown, RegExp]> = [
        [() => new Add().forward(x, tf.zeros([2, 6, 6, 4])), /Add: inputs must have the same shape or broadcast to one \(numpy rules\), got \[2,6,6,3\] and \[2,6,6,4\]/],
        [() => new Mul().forward(x, 'y' as never), /Mul: input b must be a tf.Tensor, got "y"/],
        [() => new Mul().forward(x, tf.zeros([3], 'int32')), /Mul: input b must be float32, got int32/],
        [() => new Add({ rank: 3 }).forward(x, x), /Add: the output has rank 4 \(\[2,6,6,3\]\), the layer expects rank 3/],
        [() => new Mul({ axis: 4 }).forward(x, x), /Mul: axis 4 is out of range for the output \[2,6,6,3\]/],
        [() => new Mul({ rank: 2, axis: 2 }), /Mul: axis 2 is out of range for rank 2/],
        [() => new Add({ axis: -1 }), /Add: axis must be an integer >= 0, got -1/],
        [() => new Add({ activation: 'gelu' as never }), /Add: activation must be one of none, relu, relu6, got "gelu"/],
        [() => new Dense({ inFeatures: 4, units: 2, batchNorm: { momentum: 2 } }), /BatchNorm: momentum must be in \(0, 1\]/],
        [() => new Dense({ inFeatures: 4, units: 2 }).forward(tf.zeros([4])), /Dense: input must have rank 2 \(batch, features\), got shape \[4\]/],
        [() => new Dense({ inFeatures: 4, units: 2, rank: 3 }).forward(tf.zeros([2, 4])), /Dense: input must have rank 3 \(batch, \.\.\., features\), got shape \[2,4\]/],
        [() => new Dense({ inFeatures: 4, units: 2 }).forward(tf.zeros([2, 5])), /Dense: input has 5 channels, the layer expects 4/],
        [() => new Dense({ inFeatures: 4, units: 2, rank: 1 }), /Dense: rank must be >= 2/],
        [() => new Dense({ inFeatures: 4, units: 0 }), /Dense: units must be an integer >= 1, got 0/],
        [() => new Dense({ inFeatures: 4, units: 2, seed: 1.5 }), /Dense: seed must be an integer, got 1.5/],
        [() => new Dense(null as never), /Dense: options must be an object/],
        [() => new BatchNorm(3).forward('x' as never), /BatchNorm: input must be a tf.Tensor, got "x"/],
        [() => new BatchNorm(3).forward(tf.zeros([2, 6, 6, 2])), /BatchNorm: input has 2 channels, expected 3/],
        [() => checkActivation('tanh', 'Conv'), /Conv: activation must be one of none, relu, relu6, got "tanh"/],
        [() => applyActivation(x, 'swish' as never), /applyActivation: activation must be one of none, relu, relu6, got "swish"/],
      ];
      for (const [fn, message] of cases) {
        expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(LayerError);
        expect(() => tf.tidy(() => fn() as tf.Tensor)).toThrow(message);
      }
      expect(new LayerError('x')).toBeInstanceOf(QatjsError);
      x.dispose();
    });
  });
}
