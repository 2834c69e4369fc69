import * as tf from '@tensorflow/tfjs-core';
import { describeValue, isTensor } from '@qatjs/core';
import { LayerError } from './errors.ts';

/** Activations fused into a layer, applied before its output quantizer (as the int8 runtime clamps). */
export type Activation = 'none' | 'relu' | 'relu6';

export const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'relu6'];

/** The activation option of a layer: undefined means 'none'; anything else not listed throws. */
export function checkActivation(v: unknown, where: string): Activation {
  if (v === undefined) return 'none';
  if (!ACTIVATIONS.includes(v as Activation)) throw new LayerError(`${where}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${describeValue(v)}`);
  return v as Activation;
}

/** The activation applied to x (x itself for 'none'). */
export function applyActivation(x: tf.Tensor, a: Activation): tf.Tensor {
  if (!isTensor(x)) throw new LayerError(`applyActivation: x must be a tf.Tensor, got ${describeValue(x)}`);
  if (a === 'relu') return tf.relu(x);
  if (a === 'relu6') return tf.relu6(x);
  if (a === 'none') return x;
  throw new LayerError(`applyActivation: activation must be one of ${ACTIVATIONS.join(', ')}, got ${describeValue(a)}`);
}
