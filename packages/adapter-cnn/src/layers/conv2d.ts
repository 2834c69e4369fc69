import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, type LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { irPads } from './lowering.ts';
import { WeightedLayer, checkActivation, checkInput, checkSeed, positiveInt, type Activation, type BatchNormOptions } from '@qatjs/layers';
import { checkPadding, pair, tfPadding, type Padding } from './options.ts';

export interface Conv2dOptions {
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: number | [number, number];
  readonly strides?: number | [number, number];
  /** 'same' (default), 'valid', or a symmetric number of zeros. */
  readonly padding?: Padding;
  readonly dilation?: number | [number, number];
  /** Grouped convolution: inChannels and filters must both divide by it. */
  readonly groups?: number;
  /** Default true; ignored with batch norm (its beta is the bias). */
  readonly useBias?: boolean;
  /** Fold a batch norm into this conv (true for the defaults, or its options). */
  readonly batchNorm?: boolean | BatchNormOptions;
  readonly activation?: Activation;
  /** Seed of the He-uniform initialization. */
  readonly seed?: number;
}

/** A 2-D convolution over NHWC inputs with HWIO weights [kh, kw, inChannels / groups, filters]. */
export class Conv2d extends WeightedLayer {
  readonly kind = 'Conv2d';
  readonly inChannels: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(o: Conv2dOptions) {
    const where = 'Conv2d';
    if (o === null || typeof o !== 'object') throw new QatjsError(`${where}: options must be an object`);
    const inChannels = positiveInt(o.inChannels, where, 'inChannels');
    const filters = positiveInt(o.filters, where, 'filters');
    const [kh, kw] = pair(o.kernelSize, where, 'kernelSize');
    const groups = o.groups === undefined ? 1 : positiveInt(o.groups, where, 'groups');
    if (inChannels % groups !== 0 || filters % groups !== 0) {
      throw new QatjsError(`${where}: groups (${groups}) must divide inChannels (${inChannels}) and filters (${filters})`);
    }
    const fanIn = kh * kw * (inChannels / groups);
    const limit = Math.sqrt(6 / fanIn);
    const w = tf.randomUniform([kh, kw, inChannels / groups, filters], -limit, limit, 'float32', checkSeed(o.seed, where));
    super(w, filters, checkActivation(o.activation, where), o.useBias ?? true, o.batchNorm);
    this.inChannels = inChannels;
    this.kernelSize = [kh, kw];
    this.strides = pair(o.strides, where, 'strides', 1);
    this.padding = checkPadding(o.padding, where);
    this.dilation = pair(o.dilation, where, 'dilation', 1);
    this.groups = groups;
    if ((this.strides[0] > 1 || this.strides[1] > 1) && (this.dilation[0] > 1 || this.dilation[1] > 1)) {
      throw new QatjsError(`${where}: strides > 1 with dilation > 1 is not supported (tfjs refuses it)`);
    }
  }

  protected get ioRank(): number {
    return 4;
  }

  protected weightChannelAxis(): number {
    return 3;
  }

  protected outChannelShape(): number[] {
    return [1, 1, 1, this.outChannels];
  }

  protected checkForwardInput(x: tf.Tensor): void {
    checkInput(x, this.kind, { rank: 4, channels: this.inChannels, layout: 'NHWC' });
  }

  protected lowerOp(ctx: LoweringContext, x: string, w: string, bias: string | undefined, clamp: Clamp, out: QuantParams): string {
    const pads = irPads(ctx, x, this.padding, this.kernelSize, this.strides, this.dilation);
    const attrs = { strides: this.strides, dilations: this.dilation, pads, groups: this.groups, clamp, ...(bias ? { bias } : {}) };
    return ctx.builder.conv2d(x, w, attrs, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }

  protected linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, this.strides, tfPadding(this.padding), 'NHWC', this.dilation);
    if (this.groups === 1) return conv(x, w);
    const xs = tf.split(x, this.groups, 3);
    const ws = tf.split(w, this.groups, 3);
    return tf.concat(xs.map((xi, g) => conv(xi, ws[g])), 3);
  }
}
