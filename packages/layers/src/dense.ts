import * as tf from '@tensorflow/tfjs-core';
import type { LoweringContext } from '@qatjs/core';
import type { Clamp, QuantParams } from '@qatjs/ir';
import { checkActivation, type Activation } from './activation.ts';
import type { BatchNormOptions } from './batch-norm.ts';
import { LayerError } from './errors.ts';
import { checkInput, checkSeed, positiveInt } from './options.ts';
import { WeightedLayer } from './weighted-layer.ts';

export interface DenseOptions {
  readonly inFeatures: number;
  readonly units: number;
  /**
   * Rank of the input and output, default 2 ([batch, features]); 3 for [batch, sequence, features],
   * and so on. The layer acts on the last axis; the input and output quantization points declare it
   * as their channel axis.
   */
  readonly rank?: number;
  readonly useBias?: boolean;
  /** Fold a batch norm over the last axis (the units) into this layer. */
  readonly batchNorm?: boolean | BatchNormOptions;
  readonly activation?: Activation;
  /** Seed of the He-uniform initialization. */
  readonly seed?: number;
}

/**
 * A fully connected layer over the last axis: x [..., inFeatures] times a weight [inFeatures, units]
 * (tfjs's layout) gives [..., units]. Per-channel weight quantization runs along the units (axis 1).
 */
export class Dense extends WeightedLayer {
  readonly kind = 'Dense';
  readonly inFeatures: number;
  readonly rank: number;

  constructor(o: DenseOptions) {
    const where = 'Dense';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object`);
    const inFeatures = positiveInt(o.inFeatures, where, 'inFeatures');
    const units = positiveInt(o.units, where, 'units');
    const rank = o.rank === undefined ? 2 : positiveInt(o.rank, where, 'rank');
    if (rank < 2) throw new LayerError(`${where}: rank must be >= 2 (a batch axis and the features), got ${rank}`);
    const limit = Math.sqrt(6 / inFeatures);
    super(tf.randomUniform([inFeatures, units], -limit, limit, 'float32', checkSeed(o.seed, where)), units, checkActivation(o.activation, where), o.useBias ?? true, o.batchNorm);
    this.inFeatures = inFeatures;
    this.rank = rank;
  }

  protected get ioRank(): number {
    return this.rank;
  }

  protected weightChannelAxis(): number {
    return 1;
  }

  protected outChannelShape(): number[] {
    return [1, this.outChannels];
  }

  protected checkForwardInput(x: tf.Tensor): void {
    checkInput(x, this.kind, { rank: this.rank, channels: this.inFeatures, layout: this.rank === 2 ? 'batch, features' : 'batch, ..., features' });
  }

  /** One gemm: x [..., K] with w [K, N] gives [..., N] (the IR's gemm takes leading axes of any size). */
  protected lowerOp(ctx: LoweringContext, x: string, w: string, bias: string | undefined, clamp: Clamp, out: QuantParams): string {
    return ctx.builder.gemm(x, w, { clamp, ...(bias ? { bias } : {}) }, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }

  /** matMul over the last axis; leading axes are folded into rows and unfolded after. */
  protected linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
    const lead = x.shape.slice(0, -1);
    const y = tf.matMul(tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D, w as tf.Tensor2D);
    return tf.reshape(y, [...lead, this.outChannels]);
  }
}
