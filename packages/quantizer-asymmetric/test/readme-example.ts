import * as tf from '@tensorflow/tfjs-core';
import { createQuantizer, initBackend } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';

await initBackend('cpu');
const q = createQuantizer('asymmetric', { bits: 8, signed: false }, {
  name: 'output', role: 'activation', path: 'act', layerKind: 'Gelu', label: 'act/output',
});
const x = tf.tensor1d([-0.17, 0, 0.5, 3]);
q.apply(x, { training: true, observe: true, fakeQuant: true }).print();
console.log(q.qparams()); // scale (3 + 0.17) / 255, zero point 14: 0 maps to code 14 exactly
