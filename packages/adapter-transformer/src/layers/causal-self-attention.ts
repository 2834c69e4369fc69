import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, gridOf, type LoweredValue, type LoweringContext, type QuantPointDecl, type TensorGrid } from '@qatjs/core';
import { Dense, LayerError, checkSeed, positiveInt } from '@qatjs/layers';
import { customOp } from './custom-op.ts';
import { iSoftmaxValues } from './integer-only.ts';
import { checkContext, checkFeatures, initNormal } from './options.ts';

export interface CausalSelfAttentionOptions {
  readonly dModel: number;
  /** Heads; must divide dModel. */
  readonly heads: number;
  /** The most positions a sequence may have. */
  readonly context: number;
  /** Blocks in the model, for GPT-2's output-projection scaling 0.02 / sqrt(2 layers); default 1. */
  readonly layers?: number;
  readonly seed?: number;
}

/**
 * Multi-head causal self-attention, every tensor on a grid when quantized:
 *   q, k, v = Dense(x)  (children `q`, `k`, `v`: input, weight and output points)
 *   s = fq_scores(q_h k_h^T)                 raw dot products, both operands quantized
 *   p = fq_probs(softmax(s / sqrt(d_head) + causal mask))   unsigned grid
 *   c = fq_context(p v_h)                    both operands quantized
 *   y = Dense(c)  (child `proj`)
 * Points of this layer (kind 'CausalSelfAttention'): `scores`, `probs`, `context`. The 1/sqrt(d_head)
 * is applied inside the softmax (the IR's softmax `scale` attribute), so `scores` holds exactly what
 * the integer matmul produces.
 * Integer-only (a recipe rule's `integerOnly`): the softmax is I-BERT's i-softmax (i-exp: a
 * polynomial on (-ln 2, 0] and a shift) on the scores' codes, lowered to the IR's `iSoftmax`; the
 * gradient stays the float softmax's.
 */
export class CausalSelfAttention extends Module {
  readonly kind = 'CausalSelfAttention';
  readonly dModel: number;
  readonly heads: number;
  readonly headDim: number;
  readonly context: number;
  readonly q: Dense;
  readonly k: Dense;
  readonly v: Dense;
  readonly proj: Dense;

  constructor(o: CausalSelfAttentionOptions) {
    super();
    const where = 'CausalSelfAttention';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.dModel = positiveInt(o.dModel, where, 'dModel');
    this.heads = positiveInt(o.heads, where, 'heads');
    this.context = positiveInt(o.context, where, 'context');
    if (this.dModel % this.heads !== 0) throw new LayerError(`${where}: heads (${this.heads}) must divide dModel (${this.dModel})`);
    this.headDim = this.dModel / this.heads;
    const layers = o.layers === undefined ? 1 : positiveInt(o.layers, where, 'layers');
    const seed = checkSeed(o.seed, where);
    const dense = (name: string, s: number, std: number) => {
      const d = this.registerModule(name, new Dense({ inFeatures: this.dModel, units: this.dModel, rank: 3, seed: s }));
      initNormal(d.weight, std, s);
      return d;
    };
    this.q = dense('q', seed, 0.02);
    this.k = dense('k', seed + 1, 0.02);
    this.v = dense('v', seed + 2, 0.02);
    this.proj = dense('proj', seed + 3, 0.02 / Math.sqrt(2 * layers));
  }

  override get hasIntegerOnlyForm(): boolean {
    return true;
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'scores', role: 'activation' },
      { name: 'probs', role: 'activation', nonNegative: true },
      { name: 'context', role: 'activation', channelAxis: 2 },
    ];
  }

  /** [B, T, dModel] -> [B, heads, T, headDim] */
  private split(x: tf.Tensor, b: number, t: number): tf.Tensor {
    return tf.transpose(tf.reshape(x, [b, t, this.heads, this.headDim]), [0, 2, 1, 3]);
  }

  forward(x: tf.Tensor): tf.Tensor {
    checkFeatures(x, this.kind, this.dModel, 3);
    const [b, t] = x.shape;
    checkContext(t, this.context, this.kind);
    return tf.tidy(() => {
      const mask = causalMask(t);
      const q = this.split(this.q.forward(x), b, t);
      const k = this.split(this.k.forward(x), b, t);
      const v = this.split(this.v.forward(x), b, t);
      const s = this.quantize('scores', tf.matMul(q, k, false, true));
      const grid = this.integerOnly ? gridOf(s) : undefined;
      const scale = 1 / Math.sqrt(this.headDim);
      const p = this.quantize('probs', grid ? integerSoftmax(s, grid, scale, mask) : tf.softmax(tf.add(tf.mul(s, scale), mask)));
      const c = tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [b, t, this.dModel]);
      return this.proj.forward(this.quantize('context', c));
    });
  }

  /**
   * q, k, v on the int8 gemm; heads split by reshape + transpose; q kᵀ and p v on the int8 matmul
   * (transposeB for kᵀ); the softmax (scale 1/sqrt(d_head), causal) in float32 between a dequantize
   * and a quantize to the `probs` grid; heads merged back; the projection on the int8 gemm.
   */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 1) ctx.fail(`CausalSelfAttention takes one input, got ${inputs.length}`);
    const b = ctx.builder;
    const x = inputs[0];
    const q = ctx.lowerChild('q', this.q, [x]);
    const k = ctx.lowerChild('k', this.k, [x]);
    const v = ctx.lowerChild('v', this.v, [x]);
    const shape = b.info(q.name).shape;
    const [batch, t] = [shape[0], shape[1]];
    const split = (val: LoweredValue, what: string): LoweredValue => {
      const r = b.reshape(val.name, [batch, t, this.heads, this.headDim], { name: ctx.name(`${what}_heads`) });
      return { ...val, name: b.node('transpose', [r], { perm: [0, 2, 1, 3] }, [{ name: ctx.name(`${what}_bhtd`) }])[0] };
    };
    const [qh, kh, vh] = [split(q, 'q'), split(k, 'k'), split(v, 'v')];
    const sq = ctx.activationQuant(this, 'scores');
    const scores = b.matmul(qh.name, kh.name, { transposeB: true }, { name: ctx.name('scores'), dtype: 'int8', quant: sq });
    const probs = this.lowerSoftmax(ctx, scores);
    const cq = ctx.activationQuant(this, 'context');
    const c = b.matmul(probs.name, vh.name, {}, { name: ctx.name('context_bhtd'), dtype: 'int8', quant: cq });
    const merged = b.node('transpose', [c], { perm: [0, 2, 1, 3] }, [{ name: ctx.name('context_bthd') }])[0];
    const context = b.reshape(merged, [batch, t, this.dModel], { name: ctx.name('context') });
    return ctx.lowerChild('proj', this.proj, [{ name: context, dtype: 'int8', quant: cq }]);
  }

  /**
   * The softmax of the scaled scores (causal) on the `probs` grid: in float32 between a dequantize
   * and a quantize, or integer-only from the scores' codes to the probabilities' (iSoftmax).
   */
  private lowerSoftmax(ctx: LoweringContext, scores: string): LoweredValue {
    const b = ctx.builder;
    const attrs = { scale: 1 / Math.sqrt(this.headDim), causal: true };
    if (this.integerOnly) {
      const quant = ctx.activationQuant(this, 'probs');
      return { name: b.node('iSoftmax', [scores], attrs, [{ name: ctx.name('iSoftmax'), dtype: 'int8', quant }])[0], dtype: 'int8', quant };
    }
    const real = b.dequantize(scores, { name: ctx.name('scores_real') });
    const soft = b.node('softmax', [real], attrs, [{ name: ctx.name('softmax') }])[0];
    return ctx.toGrid({ name: soft, dtype: 'float32' }, ctx.activationQuant(this, 'probs'));
  }
}

/**
 * softmax(scores · scale + mask) with I-BERT's i-softmax as the value (iSoftmaxValues, causal) and the
 * float softmax's gradient: d scores = scale · p (dy − Σ dy p), p the float probabilities.
 */
function integerSoftmax(scores: tf.Tensor, grid: TensorGrid, scale: number, mask: tf.Tensor): tf.Tensor {
  return customOp(([s], save) => {
    const p = tf.softmax(tf.add(tf.mul(s, scale), mask));
    save([p]);
    return {
      value: iSoftmaxValues(s, grid, scale),
      gradFunc: (dy, [pf]) => [tf.mul(tf.mul(pf, tf.sub(dy, tf.sum(tf.mul(dy, pf), -1, true))), scale)],
    };
  })(scores);
}

/** [t, t]: 0 on and below the diagonal, -1e9 above (added to the scaled scores before the softmax). */
export function causalMask(t: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9));
}
