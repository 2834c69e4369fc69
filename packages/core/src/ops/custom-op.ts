import * as tf from '@tensorflow/tfjs-core';

export type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

/** tf.customGrad with the inputs as an array, typed: `fn(inputs, save)` returns { value, gradFunc }. */
export function customOp(
  fn: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: GradFunc },
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return fn(args.slice(0, -1) as tf.Tensor[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => op(...inputs);
}
