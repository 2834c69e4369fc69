import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
tf.env().set('IS_TEST', true);
for (const b of ['cpu', 'wasm']) {
  await tf.setBackend(b); await tf.ready();
  const r = tf.round(tf.tensor1d([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 1e7 + 0.5])).dataSync();
  const d = tf.div(tf.tensor1d([1, 7, 0.1]), tf.scalar(3)).dataSync();
  console.log(b, Array.from(r), Array.from(d).map(v => v === Math.fround([1,7,0.1].shift()/3)));
}
console.log(typeof tf.engine().runKernel, typeof tf.registerKernel, typeof tf.getKernel);
