// Layers and a quantizer defined in the tests, through core's public API only, the way an adapter
// or a researcher would write them.
import * as tf from '@tensorflow/tfjs-core';
import {
  Module,
  ObservedQuantizer,
  commonOptions,
  option,
  readOptions,
  resolveObserver,
  specForPoint,
  type LoweredValue,
  type LoweringContext,
  type QuantPointDecl,
  type QuantizerPlugin,
} from '@qatjs/core';
import { activationClamp } from '@qatjs/ir';

/** y = act(x W + b), quantizing input, weight and output. */
export class TestDense extends Module {
  readonly kind = 'Dense';
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly units: number,
    readonly inFeatures: number,
    readonly relu = false,
    seed = 1,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.randomNormal([inFeatures, units], 0, Math.sqrt(2 / inFeatures), 'float32', seed));
    this.bias = this.registerParameter('bias', tf.zeros([units]));
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'input', role: 'activation', shape: [this.inFeatures], channelAxis: 1 },
      { name: 'weight', role: 'weight', shape: [this.inFeatures, this.units], channelAxis: 1, initialValue: () => this.weight },
      { name: 'output', role: 'activation', shape: [this.units], channelAxis: 1, nonNegative: this.relu },
    ];
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      const w = this.quantize('weight', this.weight);
      let y = tf.add(tf.matMul(xq as tf.Tensor2D, w as tf.Tensor2D), this.bias);
      if (this.relu) y = tf.relu(y);
      return this.quantize('output', y);
    });
  }
}

/** A layer without quantization points (like a pooling or reshape layer). */
export class TestScale extends Module {
  readonly kind = 'Scale';
  forward(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, 1);
  }
}

/** An observer-driven quantizer, written as a plugin author would (symmetric grids). */
export const testObservedQuantizer: QuantizerPlugin<ReturnType<typeof parse>> = {
  name: 'test-observed',
  description: 'observer-driven symmetric fake quantizer, defined in a test',
  validate: (raw) => parse(raw),
  create: (o, point) => new ObservedQuantizer('test-observed', point, specForPoint("quantizer 'test-observed'", o, point, true), o.observer),
};

function parse(raw: Readonly<Record<string, unknown>>) {
  const owner = "quantizer 'test-observed'";
  const o = readOptions(owner, raw, { ...commonOptions, observer: option.custom('an observer choice', (v) => v, 'minMax' as unknown) });
  return { ...o, observer: resolveObserver(o.observer, owner) };
}

/** TestDense with lower(): a gemm on the input grid, int32 bias, output grid. */
export class TestLoweredDense extends TestDense {
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.layerInput(this, inputs[0]);
    const w = ctx.weightConstant(this, this.weight, 1);
    const out = ctx.activationQuant(this, 'output');
    const bias = ctx.biasConstant(this.bias, x.quant as NonNullable<LoweredValue['quant']>, w.quant);
    const clamp = activationClamp(this.relu ? 'relu' : 'none', out);
    return { name: ctx.builder.gemm(x.name, w.name, { bias, clamp }, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}
