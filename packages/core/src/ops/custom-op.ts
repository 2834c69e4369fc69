import * as tf from '@tensorflow/tfjs-core';

export type GradFunc = (dy: tf.Tensor) => tf.Tensor | tf.Tensor[];

/**
 * tf.customGrad with the inputs as an array, typed: `fn(inputs)` returns { value, gradFunc }. The
 * gradient function reads what it needs from its closure (see fake-quantize-composed.ts for why).
 */
export function customOp(
  fn: (inputs: tf.Tensor[]) => { value: tf.Tensor; gradFunc: GradFunc },
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => fn(args.slice(0, -1) as tf.Tensor[])) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => op(...inputs);
}
