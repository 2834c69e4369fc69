import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldForInference, lenet, residualCnn } from '@qatjs/adapter-cnn';
import { useBackend } from '@qatjs/test-utils';

describe('foldForInference: the deployable FP32 model', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [name, build] of [['lenet', () => lenet({ seed: 3 })], ['residualCnn', () => residualCnn({ seed: 4 })]] as const) {
    it(`${name}: the same logits as the layers in eval mode, and no tensors left after dispose`, () => {
      const model = build();
      model.eval();
      const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5);
      const before = tf.memory().numTensors;
      const folded = foldForInference(model);
      const a = model.forward(x);
      const b = folded.forward(x);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-4);
      expect(b.shape).toEqual([4, 10]);
      tf.dispose([a, b]);
      folded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  }

  it('refuses a model in training mode and what is not a Module', () => {
    const model = lenet();
    expect(() => foldForInference(model)).toThrow('foldForInference: the model is in training mode');
    expect(() => foldForInference({} as never)).toThrow('foldForInference: expected a Module, got');
    model.dispose();
  });
});
