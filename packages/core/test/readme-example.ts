import * as tf from '@tensorflow/tfjs-core';
import { fakeQuantize, initBackend, qrange } from '@qatjs/core';

await initBackend('wasm');
const { qmin, qmax } = qrange({ bits: 4, signed: true, symmetric: true }); // -8..7
const x = tf.tensor1d([-1.3, -0.2, 0.05, 0.5, 0.9]);
const scale = tf.variable(tf.scalar(0.1));
const y = fakeQuantize(x, scale, tf.scalar(0), { qmin, qmax });
y.print(); // [-0.8, -0.2, 0, 0.5, 0.7]: -1.3 and 0.9 clip to -8 and 7 codes

// gradients: straight-through for x, LSQ for the scale
const [dx, ds] = tf.grads((a: tf.Tensor, s: tf.Tensor) => fakeQuantize(a, s, tf.scalar(0), { qmin, qmax }))([x, scale]);
dx.print(); // [0, 1, 1, 1, 0]
ds.print(); // sum of (q - x/s) inside, qmin or qmax where clipped
