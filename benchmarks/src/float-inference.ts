// The float baseline a deployer of the FP32 model would run on tfjs: batch norm folded into the
// weights once, convolution + bias + activation as one fused op (what tfjs-converter's graph
// optimizer makes of a Keras model), so the e2e comparison does not charge tfjs for the QAT layers'
// per-call batch-norm folding.
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@qatjs/core';
import { tfPadding, type Conv2d, type DepthwiseConv2d, type ResidualBlock } from '@qatjs/adapter-cnn';
import type { Dense } from '@qatjs/layers';

type Forward = (x: tf.Tensor) => tf.Tensor;
type Fused = 'linear' | 'relu' | 'relu6';

const fusedActivation = (a: string): Fused => (a === 'none' ? 'linear' : (a as Fused));

/** Folded weights and biases (kept until dispose) and a forward function built from them. */
export function foldedFloatModel(model: Module): { forward: Forward; dispose: () => void } {
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(t);
    return t;
  };
  const build = (m: Module): Forward => {
    switch (m.kind) {
      case 'Sequential': {
        const parts = m.namedChildren().map(([, c]) => build(c));
        return (x) => parts.reduce((v, f) => f(v), x);
      }
      case 'Conv2d': {
        const c = m as unknown as Conv2d;
        if (c.groups !== 1) return (x) => m.forward(x);
        const filter = keep(c.foldedWeight()) as tf.Tensor4D;
        const bias = c.foldedBias();
        if (bias) keep(bias);
        return (x) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides: c.strides, pad: tfPadding(c.padding), dilations: c.dilation, ...(bias ? { bias } : {}), activation: fusedActivation(c.activation) });
      }
      case 'DepthwiseConv2d': {
        const c = m as unknown as DepthwiseConv2d;
        const filter = keep(c.foldedWeight()) as tf.Tensor4D;
        const bias = c.foldedBias();
        if (bias) keep(bias);
        return (x) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter, strides: c.strides, pad: tfPadding(c.padding) as 'same' | 'valid', dilations: c.dilation, ...(bias ? { bias } : {}), activation: fusedActivation(c.activation) });
      }
      case 'Dense': {
        const d = m as unknown as Dense;
        const w = keep(d.foldedWeight()) as tf.Tensor2D;
        const bias = d.foldedBias();
        if (bias) keep(bias);
        return (x) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w, ...(bias ? { bias } : {}), activation: fusedActivation(d.activation) });
      }
      case 'ResidualBlock': {
        const r = m as unknown as ResidualBlock;
        const main = build(r.main);
        const shortcut = r.shortcut ? build(r.shortcut) : (x: tf.Tensor) => x;
        const act = r.add.activation;
        return (x) => {
          const y = tf.add(main(x), shortcut(x));
          return act === 'relu' ? tf.relu(y) : act === 'relu6' ? tf.relu6(y) : y;
        };
      }
      default: // pooling, flatten: plain tfjs ops already
        return (x) => m.forward(x);
    }
  };
  const forward = build(model);
  return { forward: (x) => tf.tidy(() => forward(x)), dispose: () => tf.dispose(kept) };
}
