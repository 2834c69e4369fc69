// The float baseline a deployer of the FP32 model would run on tfjs: batch norm folded into the
// weights once, convolution + bias + activation as one fused op (what tfjs-converter's graph
// optimizer makes of a Keras model), so the e2e comparison does not charge tfjs for the QAT layers'
// per-call batch-norm folding.
import * as tf from '@tensorflow/tfjs-core';
import { Module, QatjsError, describeValue } from '@qatjs/core';
import type { Dense } from '@qatjs/layers';
import type { Conv2d } from './layers/conv2d.ts';
import type { DepthwiseConv2d } from './layers/depthwise-conv2d.ts';
import { tfPadding } from './layers/options.ts';
import type { ResidualBlock } from './layers/residual-block.ts';

type Forward = (x: tf.Tensor) => tf.Tensor;
type Fused = 'linear' | 'relu' | 'relu6';

const fusedActivation = (a: string): Fused => (a === 'none' ? 'linear' : (a as Fused));

/** The deployable float model: see foldForInference. */
export interface FoldedModel {
  /** The float forward pass on folded weights (inside a tf.tidy: only the result is kept). */
  readonly forward: (x: tf.Tensor) => tf.Tensor;
  /** Frees the folded weights and biases. */
  readonly dispose: () => void;
}

/**
 * The deployable FP32 model of a float (or prepared) model of our layers: batch norm folded into the
 * weights once, each conv / dense with its bias and activation as one tfjs fused op. This is the FP32
 * baseline of the published speed tables (docs/results/e2e.md). It reads the current weights once
 * (later training does not change it) and ignores quantizers: the float model, as deployed. Layers it
 * does not know (pooling, flatten, others) run their own forward pass. The model must be in eval mode.
 */
export function foldForInference(model: Module): FoldedModel {
  if (!(model instanceof Module)) throw new QatjsError(`foldForInference: expected a Module, got ${describeValue(model)}`);
  if (model.training) throw new QatjsError('foldForInference: the model is in training mode (call model.eval() first: batch norm folds its running statistics)');
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
