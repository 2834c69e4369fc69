// A small hand-written module with two inputs and two named outputs, written as an adapter would:
// y_a = a Wa + ba, y_b = b Wb + bb over the last axis of inputs of any rank (biases on the accumulator's int32 grid, as the integer model adds
// them), sum = y_a + y_b; forward returns { left: y_a, sum }. Its points have their own names.
import * as tf from '@tensorflow/tfjs-core';
import {
  Module,
  fakeQuantizeBias,
  gridOf,
  type LoweredValue,
  type LoweringContext,
  type NamedLoweredValues,
  type QuantPointDecl,
} from '@qatjs/core';
import { randomNormal } from '@qatjs/test-utils';
import { activationClamp } from '@qatjs/ir';

export type TwoHeadedOutput = { readonly left: tf.Tensor; readonly sum: tf.Tensor };

export class TwoHeaded extends Module<TwoHeadedOutput> {
  readonly kind = 'TwoHeaded';
  readonly wa: tf.Variable;
  readonly wb: tf.Variable;
  readonly ba: tf.Variable;
  readonly bb: tf.Variable;

  constructor(
    readonly aFeatures = 4,
    readonly bFeatures = 6,
    readonly units = 3,
  ) {
    super();
    this.wa = this.registerParameter('wa', tf.tensor(randomNormal(aFeatures * units, 11, 0.5), [aFeatures, units]));
    this.wb = this.registerParameter('wb', tf.tensor(randomNormal(bFeatures * units, 12, 0.5), [bFeatures, units]));
    this.ba = this.registerParameter('ba', tf.tensor(randomNormal(units, 13, 0.2)));
    this.bb = this.registerParameter('bb', tf.tensor(randomNormal(units, 14, 0.2)));
  }

  override quantPoints(): QuantPointDecl[] {
    const act = (name: string, n: number): QuantPointDecl => ({ name, role: 'activation', shape: [n], channelAxis: 1 });
    return [
      act('a', this.aFeatures),
      act('b', this.bFeatures),
      { name: 'wa', role: 'weight', shape: [this.aFeatures, this.units], channelAxis: 1, initialValue: () => this.wa },
      { name: 'wb', role: 'weight', shape: [this.bFeatures, this.units], channelAxis: 1, initialValue: () => this.wb },
      act('left', this.units),
      act('right', this.units),
      act('sum', this.units),
    ];
  }

  private head(x: tf.Tensor, xPoint: string, w: tf.Variable, wPoint: string, bias: tf.Variable, outPoint: string): tf.Tensor {
    const xq = this.quantize(xPoint, x);
    const wq = this.quantize(wPoint, w);
    const grid = gridOf(xq);
    const q = this.getQuantizer(wPoint);
    const b = grid && q?.affine ? fakeQuantizeBias(bias, grid.scale, q.qparams().scale) : bias; // a non-affine weight grid has no qparams()
    const flat = tf.matMul(tf.reshape(xq, [-1, w.shape[0]]) as tf.Tensor2D, wq as tf.Tensor2D); // any rank: [..., in] -> [..., units]
    return this.quantize(outPoint, tf.add(tf.reshape(flat, [...x.shape.slice(0, -1), this.units]), b));
  }

  forward(a: tf.Tensor, b: tf.Tensor): TwoHeadedOutput {
    return tf.tidy(() => {
      const left = this.head(a, 'a', this.wa, 'wa', this.ba, 'left');
      const right = this.head(b, 'b', this.wb, 'wb', this.bb, 'right');
      return { left, sum: this.quantize('sum', tf.add(left, right)) };
    });
  }

  private lowerHead(ctx: LoweringContext, v: LoweredValue, xPoint: string, w: tf.Variable, wPoint: string, bias: tf.Variable, outPoint: string): LoweredValue {
    const x = ctx.layerInput(this, v, xPoint);
    const wc = ctx.weightConstant(this, w, 1, wPoint);
    const out = ctx.activationQuant(this, outPoint);
    const bc = ctx.biasConstant(bias, x.quant as NonNullable<LoweredValue['quant']>, wc.quant, `${wPoint}_bias`);
    const name = ctx.builder.gemm(x.name, wc.name, { bias: bc, clamp: activationClamp('none', out) }, { name: ctx.name(outPoint), dtype: 'int8', quant: out });
    return { name, dtype: 'int8', quant: out };
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): NamedLoweredValues {
    const left = this.lowerHead(ctx, inputs[0], 'a', this.wa, 'wa', this.ba, 'left');
    const right = this.lowerHead(ctx, inputs[1], 'b', this.wb, 'wb', this.bb, 'right');
    const out = ctx.activationQuant(this, 'sum');
    const sum = ctx.builder.add(left.name, right.name, { clamp: activationClamp('none', out) }, { name: ctx.name('sum'), dtype: 'int8', quant: out });
    return { left, sum: { name: sum, dtype: 'int8', quant: out } };
  }
}
