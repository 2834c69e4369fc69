import * as tf from '@tensorflow/tfjs-core';
import { fakeQuantizeBias, gridOf, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { Dense } from './dense.ts';
import { activationClamp } from '@qatjs/ir';

/**
 * Dense that converts: its bias on the accumulator's int32 grid, as the integer model adds it (a
 * random bias, so that matters), and lower() to a gemm. `offset` shifts weight column c by
 * offset * (c + 1), so weight ranges are lopsided (zero points far from 0).
 */
export class LoweredDense extends Dense {
  constructor(inFeatures: number, units: number, relu: boolean, seed: number, offset = 0) {
    super(inFeatures, units, relu, seed);
    tf.tidy(() => {
      this.weight.assign(tf.add(this.weight, tf.mul(tf.range(1, units + 1), offset)));
      this.bias.assign(tf.randomNormal([units], 0, 0.1, 'float32', seed + 1));
    });
  }

  override forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      const wq = this.quantize('weight', this.weight);
      const grid = gridOf(xq);
      const q = this.getQuantizer('weight');
      const b = grid && q?.affine ? fakeQuantizeBias(this.bias, grid.scale, q.qparams().scale) : this.bias; // a non-affine weight grid has no qparams()
      const y = tf.add(tf.matMul(xq as tf.Tensor2D, wq as tf.Tensor2D), b);
      return this.quantize('output', this.relu ? tf.relu(y) : y);
    });
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.layerInput(this, inputs[0]);
    const w = ctx.weightConstant(this, this.weight, 1);
    const out = ctx.activationQuant(this, 'output');
    const bias = ctx.biasConstant(this.bias, x.quant as NonNullable<LoweredValue['quant']>, w.quant);
    const clamp = activationClamp(this.relu ? 'relu' : 'none', out);
    return { name: ctx.builder.gemm(x.name, w.name, { bias, clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}
