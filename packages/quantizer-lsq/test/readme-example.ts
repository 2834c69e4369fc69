import * as tf from '@tensorflow/tfjs-core';
import { createQuantizer, initBackend, type QuantPoint } from '@qatjs/core';
import '@qatjs/quantizer-lsq';

await initBackend('cpu');
const w = tf.tensor2d([[0.8, -0.05], [-0.3, 0.02], [0.1, 0.04]]);
const point: QuantPoint = {
  name: 'weight', role: 'weight', path: 'fc', layerKind: 'Dense', label: 'fc/weight',
  shape: [3, 2], channelAxis: 1, initialValue: () => w,
};
// 2-bit per-channel LSQ (codes -2..1, Qp = 1): the steps start at 2 * mean|w| / sqrt(Qp)
const q = createQuantizer('lsq', { bits: 2, perChannel: true }, point);
console.log(q.qparams().scale); // Float32Array [0.8, 0.0733]

// The steps are tf.Variables (q.variables): any tfjs optimizer trains them, here to fit w itself.
const ctx = { training: true, observe: true, fakeQuant: true };
const opt = tf.train.adam(0.01);
for (let i = 0; i < 100; i++) {
  opt.minimize(() => tf.mean(tf.square(tf.sub(q.apply(w, ctx), w))) as tf.Scalar, false, [...q.variables]);
}
console.log(q.qparams().scale); // Float32Array [0.5342, 0.02669]: the MSE-fitting steps
q.apply(w, ctx).print(); // [[0.5342, -0.05338], [-0.5342, 0.02669], [0, 0.02669]]
