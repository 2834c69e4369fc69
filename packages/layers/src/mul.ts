import * as tf from '@tensorflow/tfjs-core';
import type { LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { Elementwise, type ElementwiseOptions } from './elementwise.ts';

/**
 * Elementwise product with numpy broadcasting (gates, scaling by another branch). The integer model's
 * int8 `mul` multiplies the zero-point-shifted codes in int32 and requantizes by s_a * s_b / s_y.
 */
export class Mul extends Elementwise {
  readonly kind = 'Mul';

  constructor(o: ElementwiseOptions = {}) {
    super(o, 'Mul');
  }

  protected op(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.mul(a, b);
  }

  protected lowerOp(ctx: LoweringContext, a: string, b: string, clamp: Clamp, out: QuantParams): string {
    return ctx.builder.mul(a, b, { clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }
}
