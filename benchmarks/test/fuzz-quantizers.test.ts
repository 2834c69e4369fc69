// Property-based fuzzing of quantizer options with every registered quantizer (uniform, asymmetric,
// lsq, lsq+, pact...; tools/test-utils/src/fuzz.ts). Here rather than in @qatjs/core's tests because
// core depends on no plugin (docs/architecture.md) and this package depends on them all. Each case
// creates and disposes a quantizer or throws a QatjsError, and leaves the tensor count as it was.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError, createQuantizer, listQuantizers, validateQuantizerOptions, type QuantPoint } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import '@qatjs/quantizer-pact';
import '@qatjs/quantizer-uniform';
import { fc, fuzz, hostile, optionsLike } from '@qatjs/test-utils/fuzz';
import { useBackend } from '@qatjs/test-utils';

beforeAll(async () => {
  await useBackend('cpu');
});

const number = fc.oneof(fc.double({ min: -2, max: 20 }), fc.constantFrom(0, 1e-9, 1, 10, Number.NaN, Number.POSITIVE_INFINITY, -1));
let weights: tf.Tensor | undefined; // the layer's weight: owned by the layer, as a model's is, never by the quantizer
const points: QuantPoint[] = [
  { name: 'weight', role: 'weight', shape: [4, 3], channelAxis: 1, path: 'fc', layerKind: 'Dense', label: 'fc/weight', initialValue: () => (weights ??= tf.keep(tf.ones([4, 3]))) },
  { name: 'weight', role: 'weight', shape: [4, 3], path: 'fc', layerKind: 'Dense', label: 'fc/weight' },
  { name: 'output', role: 'activation', shape: [3], channelAxis: 1, nonNegative: true, path: 'fc', layerKind: 'Dense', label: 'fc/output' },
  { name: 'input', role: 'activation', path: 'fc', layerKind: 'Dense', label: 'fc/input' },
];

describe('fuzz: quantizer options of every registered quantizer', () => {
  it('validateQuantizerOptions and createQuantizer work or throw a QatjsError, leaking no tensor', async () => {
    const names = listQuantizers();
    expect(names.length).toBeGreaterThanOrEqual(4);
    const input = fc.record({
      name: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostile() }),
      point: fc.constantFrom(...points),
      options: fc.oneof(
        { weight: 8, arbitrary: optionsLike({
          bits: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: -1, max: 40 })), perChannel: fc.boolean(), signed: fc.boolean(), narrowRange: fc.boolean(),
          symmetric: fc.boolean(), observer: fc.constantFrom('minMax', 'movingAverageMinMax', 'mse', 'percentile', 'nope'), alpha: number, l2: number,
          init: fc.constantFrom('minMax', 'lsq', 'mse', 'x'), gradScale: fc.oneof(fc.boolean(), number), minStep: number,
        }) },
        { weight: 1, arbitrary: hostile() },
      ),
    });
    const out = await fuzz(
      'core.createQuantizer (registered quantizers)',
      input,
      ({ name, point, options }) => {
        weights ??= tf.keep(tf.ones([4, 3]));
        const before = tf.memory().numTensors;
        try {
          validateQuantizerOptions(name as string, options as never);
          createQuantizer(name as string, options as never, point).dispose();
        } finally {
          const leaked = tf.memory().numTensors - before;
          if (leaked !== 0) throw new Error(`${leaked} tensors leaked`); // eslint-disable-line no-unsafe-finally
        }
      },
      (e) => e instanceof QatjsError,
    );
    expect(out.report).toBe('');
  });
});
