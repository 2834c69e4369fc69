import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, type LoweringContext } from '@qatjs/core';
import type { QuantParams } from '@qatjs/ir';
import { checkActivation, type Activation } from './activation.ts';
import type { BatchNormOptions } from './batch-norm.ts';
import { checkInput, checkSeed, positiveInt } from './options.ts';
import { WeightedLayer } from './weighted-layer.ts';

export interface DenseOptions {
  readonly inFeatures: number;
  readonly units: number;
  readonly useBias?: boolean;
  readonly batchNorm?: boolean | BatchNormOptions;
  readonly activation?: Activation;
  readonly seed?: number;
}

/** A fully connected layer: x [batch, inFeatures] times a weight [inFeatures, units] (tfjs's layout). */
export class Dense extends WeightedLayer {
  readonly kind = 'Dense';
  readonly inFeatures: number;

  constructor(o: DenseOptions) {
    const where = 'Dense';
    if (o === null || typeof o !== 'object') throw new QatjsError(`${where}: options must be an object`);
    const inFeatures = positiveInt(o.inFeatures, where, 'inFeatures');
    const units = positiveInt(o.units, where, 'units');
    const limit = Math.sqrt(6 / inFeatures);
    super(tf.randomUniform([inFeatures, units], -limit, limit, 'float32', checkSeed(o.seed, where)), units, checkActivation(o.activation, where), o.useBias ?? true, o.batchNorm);
    this.inFeatures = inFeatures;
  }

  protected get ioRank(): number {
    return 2;
  }

  protected weightChannelAxis(): number {
    return 1;
  }

  protected outChannelShape(): number[] {
    return [1, this.outChannels];
  }

  protected checkForwardInput(x: tf.Tensor): void {
    checkInput(x, this.kind, 2, this.inFeatures);
  }

  protected lowerOp(ctx: LoweringContext, x: string, w: string, bias: string | undefined, clamp: [number, number], out: QuantParams): string {
    return ctx.builder.gemm(x, w, { clamp, ...(bias ? { bias } : {}) }, { name: ctx.name('output'), dtype: 'int8', quant: out });
  }

  protected linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  }
}
