import * as tf from '@tensorflow/tfjs-core';
import { createQuantizer, initBackend } from '@qatjs/core';
import '@qatjs/quantizer-uniform';

await initBackend('cpu');
const q = createQuantizer('uniform', { bits: 4, perChannel: true }, {
  name: 'weight', role: 'weight', path: 'fc', layerKind: 'Dense', label: 'fc/weight', channelAxis: 1,
});
const w = tf.tensor2d([[0.7, -0.02], [-0.35, 0.01]]);
q.apply(w, { training: true, observe: true, fakeQuant: true }).print(); // [[0.7, -0.02], [-0.4, 0.0114]]
console.log(q.qparams().scale); // Float32Array [0.1, 0.002857]: max|w| / 7 per column
