import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, isTensor, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { LayerError } from './errors.ts';
import { checkSeed, positiveInt } from './options.ts';

export interface EmbeddingOptions {
  /** Number of token ids: ids are 0 .. vocab - 1. */
  readonly vocab: number;
  /** Features per token. */
  readonly dim: number;
  /**
   * The usual rank of the token tensors, default 2 ([batch, T]): it places the output point's channel
   * axis (the features, last). forward() takes tokens of any rank >= 1.
   */
  readonly rank?: number;
  /** Seed of the normal(0, 1) initialization (PyTorch's nn.Embedding). */
  readonly seed?: number;
}

/**
 * A lookup table: int32 token ids [...] -> float32 rows [..., dim] of a weight [vocab, dim]. Points:
 * `weight` (per-channel along axis 0: one scale per row) and `output` (the gathered rows, channel axis
 * last). Training computes y = fq_output(gather(fq_weight(E), tokens)); the integer model is one IR
 * `embedding` node, which computes exactly that in float32 (its schema comment), so it is exact.
 */
export class Embedding extends Module {
  readonly kind = 'Embedding';
  readonly vocab: number;
  readonly dim: number;
  readonly rank: number;
  readonly weight: tf.Variable;

  constructor(o: EmbeddingOptions) {
    super();
    const where = 'Embedding';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.vocab = positiveInt(o.vocab, where, 'vocab');
    this.dim = positiveInt(o.dim, where, 'dim');
    this.rank = o.rank === undefined ? 2 : positiveInt(o.rank, where, 'rank');
    this.weight = this.registerParameter('weight', tf.randomNormal([this.vocab, this.dim], 0, 1, 'float32', checkSeed(o.seed, where)));
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'weight', role: 'weight', shape: [this.vocab, this.dim], channelAxis: 0, initialValue: () => tf.clone(this.weight) },
      { name: 'output', role: 'activation', channelAxis: this.rank },
    ];
  }

  /** Throws unless `tokens` is an int32 (or integer-valued float32) tensor of rank >= 1 with ids in [0, vocab). */
  private checkTokens(tokens: tf.Tensor): void {
    if (!isTensor(tokens)) throw new LayerError(`Embedding: tokens must be a tf.Tensor of int32 ids, got ${describeValue(tokens)}`);
    if (tokens.dtype !== 'int32' && tokens.dtype !== 'float32') throw new LayerError(`Embedding: tokens must be int32 ids, got a ${tokens.dtype} tensor`);
    if (tokens.rank < 1) throw new LayerError(`Embedding: tokens must have rank >= 1 ([batch, T] or [batch]), got a scalar`);
    const ids = tokens.dataSync();
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i];
      if (!(Number.isInteger(t) && t >= 0 && t < this.vocab)) {
        throw new LayerError(`Embedding: token id ${t} at position ${i} is ${Number.isInteger(t) ? 'outside' : 'not an integer in'} [0, ${this.vocab}) (vocab ${this.vocab})`);
      }
    }
  }

  forward(tokens: tf.Tensor): tf.Tensor {
    this.checkTokens(tokens);
    return tf.tidy(() => {
      const ids = tokens.dtype === 'int32' ? tf.reshape(tokens, [-1]) : tf.cast(tf.reshape(tokens, [-1]), 'int32');
      const rows = tf.gather(this.quantize('weight', this.weight), ids);
      return this.quantize('output', tf.reshape(rows, [...tokens.shape, this.dim]));
    });
  }

  /** One IR embedding node: the table quantized by the weight quantizer, the output on the output grid. */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 1) ctx.fail(`Embedding takes one input (the token ids), got ${inputs.length}`);
    const tokens = inputs[0];
    if (tokens.dtype !== 'int32') ctx.fail(`its input must be int32 token ids (convert with input: { dtype: 'int32' }), got ${tokens.dtype}`);
    const w = ctx.weightConstant(this, this.weight, 0);
    const out = ctx.activationQuant(this, 'output');
    const name = ctx.builder.embedding(tokens.name, w.name, { name: ctx.name('output'), dtype: 'int8', quant: out });
    return { name, dtype: 'int8', quant: out };
  }
}
