import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { LayerError, checkSeed, positiveInt } from '@qatjs/layers';
import { checkContext, checkFeatures } from './options.ts';

export interface PositionalEmbeddingOptions {
  /** The most positions a sequence may have. */
  readonly context: number;
  readonly dim: number;
  /** Seed of the normal(0, 0.02) initialization (GPT-2's). */
  readonly seed?: number;
}

/**
 * A learned positional embedding added to token features: x [B, T, dim] + P[0..T) -> [B, T, dim].
 * Points: `weight` (P, per-channel along axis 0: one scale per position) and `output` (the sum).
 * A sequence longer than `context` is a LayerError naming both lengths.
 */
export class PositionalEmbedding extends Module {
  readonly kind = 'PositionalEmbedding';
  readonly context: number;
  readonly dim: number;
  readonly weight: tf.Variable;

  constructor(o: PositionalEmbeddingOptions) {
    super();
    const where = 'PositionalEmbedding';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.context = positiveInt(o.context, where, 'context');
    this.dim = positiveInt(o.dim, where, 'dim');
    this.weight = this.registerParameter('weight', tf.randomNormal([this.context, this.dim], 0, 0.02, 'float32', checkSeed(o.seed, where)));
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'weight', role: 'weight', shape: [this.context, this.dim], channelAxis: 0, initialValue: () => tf.clone(this.weight) },
      { name: 'output', role: 'activation', channelAxis: 2 },
    ];
  }

  forward(x: tf.Tensor): tf.Tensor {
    checkFeatures(x, this.kind, this.dim, 3);
    const t = x.shape[1] as number;
    checkContext(t, this.context, this.kind);
    return tf.tidy(() => {
      const p = this.quantize('weight', this.weight);
      return this.quantize('output', tf.add(x, t === this.context ? p : tf.slice(p, [0, 0], [t, this.dim])));
    });
  }

  /**
   * One IR positionalAdd: the table quantized by the weight quantizer (per row), the sum on the output
   * grid: int8 codes, or int16 for a 9..16-bit output (the start of a 16-bit residual stream).
   */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 1) ctx.fail(`PositionalEmbedding takes one input, got ${inputs.length}`);
    const x = ctx.requireInt8(inputs[0]);
    const p = ctx.weightConstant(this, this.weight, 0);
    const { dtype, quant } = ctx.activationGrid(this, 'output');
    const name = ctx.builder.node('positionalAdd', [x.name, p.name], {}, [{ name: ctx.name('output'), dtype, quant }])[0];
    return { name, dtype, quant };
  }
}
