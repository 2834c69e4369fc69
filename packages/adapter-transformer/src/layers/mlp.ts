import type * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { Dense, LayerError, checkSeed, positiveInt } from '@qatjs/layers';
import { Gelu } from './gelu.ts';
import { initNormal } from './options.ts';

export interface MlpOptions {
  readonly dModel: number;
  /** Hidden features, default 4 dModel. */
  readonly hidden?: number;
  /** Blocks in the model, for GPT-2's output scaling 0.02 / sqrt(2 layers); default 1. */
  readonly layers?: number;
  readonly seed?: number;
}

/** The block's feed-forward part: fc1 (Dense dModel -> hidden), gelu (Gelu), fc2 (Dense hidden -> dModel). */
export class Mlp extends Module {
  readonly kind = 'Mlp';
  readonly fc1: Dense;
  readonly gelu: Gelu;
  readonly fc2: Dense;

  constructor(o: MlpOptions) {
    super();
    const where = 'Mlp';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    const d = positiveInt(o.dModel, where, 'dModel');
    const hidden = o.hidden === undefined ? 4 * d : positiveInt(o.hidden, where, 'hidden');
    const layers = o.layers === undefined ? 1 : positiveInt(o.layers, where, 'layers');
    const seed = checkSeed(o.seed, where);
    this.fc1 = this.registerModule('fc1', new Dense({ inFeatures: d, units: hidden, rank: 3, seed }));
    this.gelu = this.registerModule('gelu', new Gelu({ axis: 2 }));
    this.fc2 = this.registerModule('fc2', new Dense({ inFeatures: hidden, units: d, rank: 3, seed: seed + 1 }));
    initNormal(this.fc1.weight, 0.02, seed);
    initNormal(this.fc2.weight, 0.02 / Math.sqrt(2 * layers), seed + 1);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.fc2.forward(this.gelu.forward(this.fc1.forward(x)));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const h = ctx.lowerChild('fc1', this.fc1, inputs);
    return ctx.lowerChild('fc2', this.fc2, [ctx.lowerChild('gelu', this.gelu, [h])]);
  }
}
