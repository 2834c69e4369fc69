import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, isTensor, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { LayerError } from './errors.ts';
import { nonNegativeInt } from './options.ts';

export interface FloatActivationOptions {
  /** The output's channel axis, for a per-channel output quantizer; default none (per-tensor). */
  readonly axis?: number;
}

/**
 * A nonlinearity the integer pipeline cannot compute exactly, with its own output quantizer. The
 * integer model runs it in float32 between a dequantize and a quantize (docs/numerics.md), which is
 * what the fake-quant model computes: its input lies on the previous layer's grid, f is applied in
 * float, the output quantizer rounds. Without an output quantizer the output stays float32 and the
 * next layer's input quantizer takes it.
 */
export abstract class FloatActivation extends Module {
  readonly axis: number | undefined;

  constructor(o: FloatActivationOptions, where: string) {
    super();
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.axis = o.axis === undefined ? undefined : nonNegativeInt(o.axis, where, 'axis');
  }

  /** The function in tfjs (float32). */
  protected abstract fn(x: tf.Tensor): tf.Tensor;
  /** The function as an IR float32 op on value `x`; returns the output's name. */
  protected abstract lowerFn(ctx: LoweringContext, x: string): string;
  /** The outputs are >= 0 (sigmoid): quantizers default to an unsigned grid. */
  protected abstract readonly nonNegativeOutput: boolean;

  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', ...(this.axis === undefined ? {} : { channelAxis: this.axis }), nonNegative: this.nonNegativeOutput }];
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!isTensor(x) || x.dtype !== 'float32') throw new LayerError(`${this.kind}: input must be a float32 tf.Tensor, got ${isTensor(x) ? x.dtype : describeValue(x)}`);
    if (this.axis !== undefined && this.axis >= x.rank) throw new LayerError(`${this.kind}: axis ${this.axis} is out of range for input [${x.shape}]`);
    return tf.tidy(() => this.quantize('output', this.fn(x)));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 1) ctx.fail(`${this.kind} takes one input, got ${inputs.length}`);
    const x = inputs[0];
    const real = x.dtype === 'float32' ? x.name : ctx.builder.dequantize(x.name, { name: ctx.name('dequantize') });
    const y: LoweredValue = { name: this.lowerFn(ctx, real), dtype: 'float32' };
    return this.getQuantizer('output') ? ctx.toGrid(y, ctx.activationQuant(this, 'output')) : y;
  }
}

/** 1 / (1 + e^-x); the IR's float32 `sigmoid` in the integer model. */
export class Sigmoid extends FloatActivation {
  readonly kind = 'Sigmoid';
  protected readonly nonNegativeOutput = true;
  constructor(o: FloatActivationOptions = {}) {
    super(o, 'Sigmoid');
  }
  protected fn(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
  protected lowerFn(ctx: LoweringContext, x: string): string {
    return ctx.builder.sigmoid(x, { name: ctx.name('sigmoid') });
  }
}

/** tanh(x); the IR's float32 `tanh` in the integer model. */
export class Tanh extends FloatActivation {
  readonly kind = 'Tanh';
  protected readonly nonNegativeOutput = false;
  constructor(o: FloatActivationOptions = {}) {
    super(o, 'Tanh');
  }
  protected fn(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
  protected lowerFn(ctx: LoweringContext, x: string): string {
    return ctx.builder.tanh(x, { name: ctx.name('tanh') });
  }
}
