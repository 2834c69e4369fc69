import * as tf from '@tensorflow/tfjs-core';
import { Module, QatjsError, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { applyActivation, checkActivation, type Activation } from './activation.ts';

/**
 * Elementwise sum of two tensors of the same shape (a residual connection), with a fused activation
 * and its own output quantizer: the integer model rescales both inputs to the output's grid.
 */
export class Add extends Module {
  readonly kind = 'Add';
  readonly activation: Activation;

  constructor(o: { readonly activation?: Activation } = {}) {
    super();
    this.activation = checkActivation(o.activation, 'Add');
  }

  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', channelAxis: 3, nonNegative: this.activation !== 'none' }];
  }

  forward(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    if (!a || !b || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      throw new QatjsError(`Add: inputs must have the same shape, got [${a?.shape}] and [${b?.shape}]`);
    }
    return tf.tidy(() => this.quantize('output', applyActivation(tf.add(a, b), this.activation)));
  }

  /** Each input rescaled to the output's grid and added; the activation is a clamp. */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const [a, b] = [ctx.requireInt8(inputs[0]), ctx.requireInt8(inputs[1])];
    const out = ctx.activationQuant(this, 'output');
    const clamp = ctx.clampFor(out, this.activation);
    return { name: ctx.builder.add(a.name, b.name, { clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}
