import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, describeValue } from '@qatjs/core';

/** Activations fused into a layer, applied before its output quantizer (as the int8 runtime clamps). */
export type Activation = 'none' | 'relu' | 'relu6';

export const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'relu6'];

export function checkActivation(v: unknown, where: string): Activation {
  if (v === undefined) return 'none';
  if (!ACTIVATIONS.includes(v as Activation)) throw new QatjsError(`${where}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${describeValue(v)}`);
  return v as Activation;
}

export function applyActivation(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'relu6') return tf.relu6(x);
  return x;
}
