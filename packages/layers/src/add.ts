import * as tf from '@tensorflow/tfjs-core';
import type { LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { Elementwise, type ElementwiseOptions } from './elementwise.ts';

/**
 * Elementwise sum with numpy broadcasting (a residual connection, a bias of another layer's output):
 * the integer model rescales both inputs to the output's grid.
 */
export class Add extends Elementwise {
  readonly kind = 'Add';

  constructor(o: ElementwiseOptions = {}) {
    super(o, 'Add');
  }

  protected op(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }

  protected lowerOp(ctx: LoweringContext, a: string, b: string, clamp: Clamp, out: QuantParams): string {
    return ctx.builder.add(a, b, { clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }
}
