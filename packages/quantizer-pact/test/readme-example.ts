import * as tf from '@tensorflow/tfjs-core';
import { createQuantizer, initBackend, type QuantPoint } from '@qatjs/core';
import '@qatjs/quantizer-pact';

await initBackend('cpu');
const point: QuantPoint = {
  name: 'output', role: 'activation', path: 'fc1', layerKind: 'Dense', label: 'fc1/output',
  shape: [4], channelAxis: 1, nonNegative: true,
};
const q = createQuantizer('pact', { bits: 2, alpha: 1, l2: 1e-4 }, point);
const ctx = { training: true, observe: true, fakeQuant: true };
const x = tf.tensor2d([[0.1, 0.5, 0.9, 2.5]]);
q.apply(x, ctx).print(); // [[0, 0.6667, 1, 1]]: clipped to [0, alpha = 1], codes 0..3 of step 1/3

// alpha's gradient is PACT's: dy summed where x >= alpha (here only 2.5)
const { grads } = tf.variableGrads(() => tf.sum(q.apply(x, ctx)) as tf.Scalar, [...q.variables]);
grads[q.variables[0].name].print(); // 1
// the L2 penalty a training loop adds to its loss
q.regularizationLoss?.()?.print(); // 0.0001 = l2 * alpha^2
