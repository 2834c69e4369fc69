import * as tf from '@tensorflow/tfjs-core';
import { describeValue, isTensor } from '@qatjs/core';
import { LayerError } from './errors.ts';

/** The shape numpy broadcasting gives a and b (float32 tensors), or an error naming the layer. */
export function broadcastShape(a: unknown, b: unknown, where: string): number[] {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (!isTensor(t)) throw new LayerError(`${where}: input ${name} must be a tf.Tensor, got ${describeValue(t)}`);
    if (t.dtype !== 'float32') throw new LayerError(`${where}: input ${name} must be float32, got ${t.dtype}`);
  }
  const [sa, sb] = [(a as tf.Tensor).shape, (b as tf.Tensor).shape];
  const rank = Math.max(sa.length, sb.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = sa[sa.length - rank + i] ?? 1;
    const db = sb[sb.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new LayerError(`${where}: inputs must have the same shape or broadcast to one (numpy rules), got [${sa}] and [${sb}]`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}
