import * as tf from '@tensorflow/tfjs-core';
import type { LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { Elementwise, type ElementwiseOptions } from './elementwise.ts';

/**
 * Elementwise sum with numpy broadcasting (a residual connection, a bias of another layer's output):
 * the integer model rescales both inputs to the output's grid. Inputs may be int8 or int16 codes, and
 * an output point of 9..16 bits gives int16 codes (a 16-bit residual stream, docs/numerics.md).
 */
export class Add extends Elementwise {
  readonly kind = 'Add';

  protected override readonly wideCodes = true;

  constructor(o: ElementwiseOptions = {}) {
    super(o, 'Add');
  }

  protected op(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }

  protected lowerOp(ctx: LoweringContext, a: string, b: string, clamp: Clamp, out: QuantParams, dtype: 'int8' | 'int16'): string {
    return ctx.builder.add(a, b, { clamp }, { name: ctx.name('output'), dtype, quant: out });
  }
}
