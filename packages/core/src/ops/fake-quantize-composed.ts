// fakeQuantize written with tfjs ops only: runs on any backend (webgl, webgpu, node), and serves as
// the independent second implementation the kernels are tested against.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

function broadcastShape(rank: number, axis: number, channels: number): number[] {
  const shape = new Array<number>(rank).fill(1);
  if (axis >= 0) shape[axis] = channels;
  return shape;
}

function reduceToScale(t: tf.Tensor, axis: number, scaleShape: number[]): tf.Tensor {
  const axes = [...Array(t.rank).keys()].filter((a) => a !== axis);
  return tf.reshape(tf.sum(t, axes), scaleShape);
}

/**
 * Same contract as fakeQuantize (which validates the arguments; this does not). `axis` is -1 for
 * per-tensor.
 */
export function fakeQuantizeComposed(
  x: tf.Tensor,
  scale: tf.Tensor,
  zeroPoint: tf.Tensor,
  qmin: number,
  qmax: number,
  axis: number,
): tf.Tensor {
  const scaleShape = [...scale.shape];
  const bshape = broadcastShape(x.rank, axis, axis >= 0 ? x.shape[axis] : 1);
  // Everything the forward and the backward share: x/s, its rounding, the integer zero point.
  const pieces = (xv: tf.Tensor, s: tf.Tensor, z: tf.Tensor) => {
    const sB = tf.reshape(s, bshape);
    const zB = tf.reshape(tf.clipByValue(tf.round(z), qmin, qmax), bshape);
    const v = tf.div(xv, sB);
    const r = tf.round(v);
    const qUnclamped = tf.add(r, zB);
    return { sB, zB, v, r, qUnclamped };
  };
  const op = customOp(([xv, s, z]) => {
    // The gradient reads the inputs from this closure rather than save(): save() clones them, and on
    // the wasm backend a clone allocates, which tfjs's test-mode leak check reports as a leak. The
    // inputs outlive the backward pass: tfjs runs forward and backward inside one tidy scope.
    // tidy: customGrad does not clean up after the forward function (tfjs flags it as a leak)
    const value = tf.tidy(() => {
      const { sB, zB, qUnclamped } = pieces(xv, s, z);
      return tf.mul(tf.sub(tf.clipByValue(qUnclamped, qmin, qmax), zB), sB);
    });
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const p = pieces(xv, s, z);
      const below = tf.less(p.qUnclamped, qmin);
      const above = tf.greater(p.qUnclamped, qmax);
      const inside = tf.logicalNot(tf.logicalOr(below, above));
      const zero = tf.zerosLike(dy);
      const dx = tf.where(inside, dy, zero);
      const clipLow = tf.sub(tf.scalar(qmin), p.zB);
      const clipHigh = tf.sub(tf.scalar(qmax), p.zB);
      const sGrad = tf.where(inside, tf.sub(p.r, p.v), tf.where(below, tf.add(zero, clipLow), tf.add(zero, clipHigh)));
      const ds = reduceToScale(tf.mul(dy, sGrad), axis, scaleShape);
      const dz = reduceToScale(tf.where(inside, zero, tf.neg(tf.mul(dy, p.sB))), axis, scaleShape);
      return [dx, ds, dz];
    };
    return { value, gradFunc };
  });
  return op(x, scale, zeroPoint);
}
