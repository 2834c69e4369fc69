import * as tf from '@tensorflow/tfjs-core';
import { Module, Sequential, describeValue, isTensor, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { Dense, Embedding, LayerError, checkSeed, positiveInt } from '@qatjs/layers';
import { LayerNorm } from '../layers/layer-norm.ts';
import { initNormal, checkContext } from '../layers/options.ts';
import { PositionalEmbedding } from '../layers/positional-embedding.ts';
import { TransformerBlock } from '../layers/transformer-block.ts';

export interface CharTransformerOptions {
  /** Token ids are 0 .. vocab - 1. */
  readonly vocab: number;
  readonly dModel: number;
  /** Attention heads; must divide dModel. */
  readonly heads: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** The most positions a sequence may have (the learned positional embedding's length). */
  readonly context: number;
  /** Hidden features of each MLP, default 4 dModel. */
  readonly hidden?: number;
  readonly seed?: number;
}

/**
 * A decoder-only character model (GPT-2's layout, pre-LN): int32 tokens [B, T] -> logits [B, T, vocab].
 * Layer paths (for recipes): `embed` (Embedding), `pos` (PositionalEmbedding), `blocks.<i>`
 * (TransformerBlock) with `blocks.<i>.ln1`, `.attn` (CausalSelfAttention; `.attn.q`, `.attn.k`,
 * `.attn.v`, `.attn.proj` Dense), `.add1` (Add), `.ln2`, `.mlp` (Mlp; `.mlp.fc1`, `.mlp.gelu`,
 * `.mlp.fc2`), `.add2` (Add); `lnf` (LayerNorm), `head` (Dense). Weights start as GPT-2's: normal(0,
 * 0.02), output projections 0.02 / sqrt(2 layers).
 */
export class CharTransformer extends Module {
  readonly kind = 'CharTransformer';
  readonly vocab: number;
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  readonly context: number;
  readonly embed: Embedding;
  readonly pos: PositionalEmbedding;
  readonly blocks: Sequential;
  readonly lnf: LayerNorm;
  readonly head: Dense;

  constructor(o: CharTransformerOptions) {
    super();
    const where = 'charTransformer';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.vocab = positiveInt(o.vocab, where, 'vocab');
    this.dModel = positiveInt(o.dModel, where, 'dModel');
    this.heads = positiveInt(o.heads, where, 'heads');
    this.layers = positiveInt(o.layers, where, 'layers');
    this.context = positiveInt(o.context, where, 'context');
    if (this.dModel % this.heads !== 0) throw new LayerError(`${where}: heads (${this.heads}) must divide dModel (${this.dModel})`);
    const hidden = o.hidden === undefined ? undefined : positiveInt(o.hidden, where, 'hidden');
    const seed = checkSeed(o.seed, where);
    const { vocab, dModel, heads, layers, context } = this;
    this.embed = this.registerModule('embed', new Embedding({ vocab, dim: dModel, seed }));
    initNormal(this.embed.weight, 0.02, seed);
    this.pos = this.registerModule('pos', new PositionalEmbedding({ context, dim: dModel, seed: seed + 1 }));
    const blocks = Array.from({ length: layers }, (_, i) => new TransformerBlock({ dModel, heads, context, layers, ...(hidden ? { hidden } : {}), seed: seed + 100 * (i + 1) }));
    this.blocks = this.registerModule('blocks', new Sequential(blocks));
    this.lnf = this.registerModule('lnf', new LayerNorm({ dim: dModel }));
    this.head = this.registerModule('head', new Dense({ inFeatures: dModel, units: vocab, rank: 3, seed: seed + 2 }));
    initNormal(this.head.weight, 0.02, seed + 2);
  }

  /** int32 tokens [B, T] (T <= context) -> float32 logits [B, T, vocab]. */
  forward(tokens: tf.Tensor): tf.Tensor {
    if (!isTensor(tokens) || tokens.rank !== 2) throw new LayerError(`CharTransformer: tokens must be an int32 tf.Tensor [batch, T], got ${isTensor(tokens) ? `shape [${tokens.shape}]` : describeValue(tokens)}`);
    checkContext(tokens.shape[1] as number, this.context, 'CharTransformer');
    return tf.tidy(() => this.head.forward(this.lnf.forward(this.blocks.forward(this.pos.forward(this.embed.forward(tokens))))));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    let x = ctx.lowerChild('embed', this.embed, inputs);
    x = ctx.lowerChild('pos', this.pos, [x]);
    x = ctx.lowerChild('blocks', this.blocks, [x]);
    return ctx.lowerChild('head', this.head, [ctx.lowerChild('lnf', this.lnf, [x])]);
  }
}

/** A character transformer: `charTransformer({ vocab: 65, dModel: 128, heads: 4, layers: 4, context: 64 })`. */
export function charTransformer(o: CharTransformerOptions): CharTransformer {
  return new CharTransformer(o);
}
