import * as tf from '@tensorflow/tfjs-core';

/**
 * tf.customGrad with the inputs as an array, typed. The forward runs inside a tfjs tidy scope and
 * the layers' own tidy scopes end before the backward pass, so everything the gradient needs
 * (inputs included) must go through `save`; the gradient function gets them back in that order.
 */
export function customOp(
  fn: (inputs: tf.Tensor[], save: (tensors: tf.Tensor[]) => void) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] },
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => fn(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc)) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => op(...inputs);
}
