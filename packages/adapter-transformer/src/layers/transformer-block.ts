import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { Add, LayerError, checkSeed, positiveInt } from '@qatjs/layers';
import { CausalSelfAttention } from './causal-self-attention.ts';
import { LayerNorm } from './layer-norm.ts';
import { Mlp } from './mlp.ts';

export interface TransformerBlockOptions {
  readonly dModel: number;
  readonly heads: number;
  readonly context: number;
  /** Hidden features of the MLP, default 4 dModel. */
  readonly hidden?: number;
  /** Blocks in the model (initialization scaling); default 1. */
  readonly layers?: number;
  readonly seed?: number;
}

/**
 * A pre-LN transformer block (GPT-2): x = add1(x, attn(ln1(x))); x = add2(x, mlp(ln2(x))). The two
 * Adds' outputs are the residual stream: their `output` points are what a 16-bit residual recipe
 * widens. Children: ln1, attn, add1, ln2, mlp, add2.
 */
export class TransformerBlock extends Module {
  readonly kind = 'TransformerBlock';
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly add1: Add;
  readonly ln2: LayerNorm;
  readonly mlp: Mlp;
  readonly add2: Add;

  constructor(o: TransformerBlockOptions) {
    super();
    const where = 'TransformerBlock';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    const dModel = positiveInt(o.dModel, where, 'dModel');
    const seed = checkSeed(o.seed, where);
    const layers = o.layers ?? 1;
    this.ln1 = this.registerModule('ln1', new LayerNorm({ dim: dModel }));
    this.attn = this.registerModule('attn', new CausalSelfAttention({ dModel, heads: o.heads, context: o.context, layers, seed }));
    this.add1 = this.registerModule('add1', new Add({ rank: 3 }));
    this.ln2 = this.registerModule('ln2', new LayerNorm({ dim: dModel }));
    this.mlp = this.registerModule('mlp', new Mlp({ dModel, ...(o.hidden === undefined ? {} : { hidden: o.hidden }), layers, seed: seed + 10 }));
    this.add2 = this.registerModule('add2', new Add({ rank: 3 }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.add1.forward(x, this.attn.forward(this.ln1.forward(x)));
      return this.add2.forward(h, this.mlp.forward(this.ln2.forward(h)));
    });
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = inputs[0];
    const a = ctx.lowerChild('attn', this.attn, [ctx.lowerChild('ln1', this.ln1, [x])]);
    const h = ctx.lowerChild('add1', this.add1, [x, a]);
    const m = ctx.lowerChild('mlp', this.mlp, [ctx.lowerChild('ln2', this.ln2, [h])]);
    return ctx.lowerChild('add2', this.add2, [h, m]);
  }
}
