import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, type LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { irPads } from './lowering.ts';
import { WeightedLayer, checkActivation, checkInput, checkSeed, positiveInt, type Activation, type BatchNormOptions } from '@qatjs/layers';
import { checkPadding, pair, tfPadding, type Padding } from './options.ts';

export interface DepthwiseConv2dOptions {
  readonly inChannels: number;
  readonly kernelSize: number | [number, number];
  /** Output channels per input channel, default 1. */
  readonly channelMultiplier?: number;
  readonly strides?: number | [number, number];
  readonly padding?: Padding;
  readonly dilation?: number | [number, number];
  readonly useBias?: boolean;
  readonly batchNorm?: boolean | BatchNormOptions;
  readonly activation?: Activation;
  readonly seed?: number;
}

/**
 * A depthwise 2-D convolution over NHWC inputs with weights [kh, kw, inChannels, multiplier]; output
 * channel c * multiplier + m. Per-channel weight quantization runs along axis 2 (the input channel:
 * with multiplier 1, the output channel), as the IntModel format stores depthwise scales.
 */
export class DepthwiseConv2d extends WeightedLayer {
  readonly kind = 'DepthwiseConv2d';
  readonly inChannels: number;
  readonly channelMultiplier: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];

  constructor(o: DepthwiseConv2dOptions) {
    const where = 'DepthwiseConv2d';
    if (o === null || typeof o !== 'object') throw new QatjsError(`${where}: options must be an object`);
    const inChannels = positiveInt(o.inChannels, where, 'inChannels');
    const multiplier = o.channelMultiplier === undefined ? 1 : positiveInt(o.channelMultiplier, where, 'channelMultiplier');
    const [kh, kw] = pair(o.kernelSize, where, 'kernelSize');
    const limit = Math.sqrt(6 / (kh * kw));
    const w = tf.randomUniform([kh, kw, inChannels, multiplier], -limit, limit, 'float32', checkSeed(o.seed, where));
    super(w, inChannels * multiplier, checkActivation(o.activation, where), o.useBias ?? true, o.batchNorm);
    this.inChannels = inChannels;
    this.channelMultiplier = multiplier;
    this.kernelSize = [kh, kw];
    this.strides = pair(o.strides, where, 'strides', 1);
    this.padding = checkPadding(o.padding, where);
    this.dilation = pair(o.dilation, where, 'dilation', 1);
    if ((this.strides[0] > 1 || this.strides[1] > 1) && (this.dilation[0] > 1 || this.dilation[1] > 1)) {
      throw new QatjsError(`${where}: strides > 1 with dilation > 1 is not supported (tfjs refuses it)`);
    }
  }

  protected override get biasChannelsPerWeightScale(): number {
    return this.channelMultiplier;
  }

  protected get ioRank(): number {
    return 4;
  }

  protected weightChannelAxis(): number {
    return 2;
  }

  protected outChannelShape(): number[] {
    return [1, 1, this.inChannels, this.channelMultiplier];
  }

  protected checkForwardInput(x: tf.Tensor): void {
    checkInput(x, this.kind, { rank: 4, channels: this.inChannels, layout: 'NHWC' });
  }

  protected lowerOp(ctx: LoweringContext, x: string, w: string, bias: string | undefined, clamp: Clamp, out: QuantParams): string {
    const pads = irPads(ctx, x, this.padding, this.kernelSize, this.strides, this.dilation);
    const attrs = { strides: this.strides, dilations: this.dilation, pads, clamp, ...(bias ? { bias } : {}) };
    return ctx.builder.depthwiseConv2d(x, w, attrs, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }

  protected linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, this.strides, tfPadding(this.padding), 'NHWC', this.dilation);
  }
}
