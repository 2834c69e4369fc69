import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, gridOf, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { LayerError, positiveInt } from '@qatjs/layers';
import { customOp } from './custom-op.ts';
import { iLayerNormNormalized } from './integer-only.ts';
import { lowerIntegerOnly } from './lower-integer-only.ts';
import { checkFeatures, positiveNumber } from './options.ts';

export interface LayerNormOptions {
  /** Features of the last axis. */
  readonly dim: number;
  /** Added to the variance, default 1e-5 (PyTorch's). */
  readonly eps?: number;
  /** Rank of the input and output, default 3 ([batch, T, dim]); the output point's channel axis is the last. */
  readonly rank?: number;
}

/**
 * Layer normalization over the last axis in float32: y = (x - mean) / sqrt(var + eps) * gamma + beta
 * (biased variance), then the `output` quantizer. The input is the (quantized) residual stream; the
 * integer model runs the IR's float `layerNorm` between a dequantize and a quantize, as here.
 * The gradient is the closed form (one pass), not tfjs's op-by-op tape.
 * Integer-only (a recipe rule's `integerOnly`): I-BERT's integer mean, variance and Newton square
 * root on the input's codes give the normalized values (fixed point 2^-16), then γ and β in float32;
 * lowered to the IR's `iLayerNorm`. The gradient stays the float form's.
 */
export class LayerNorm extends Module {
  readonly kind = 'LayerNorm';
  readonly dim: number;
  readonly eps: number;
  readonly rank: number;
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(o: LayerNormOptions) {
    super();
    const where = 'LayerNorm';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    this.dim = positiveInt(o.dim, where, 'dim');
    this.eps = o.eps === undefined ? 1e-5 : positiveNumber(o.eps, where, 'eps');
    this.rank = o.rank === undefined ? 3 : positiveInt(o.rank, where, 'rank');
    this.gamma = this.registerParameter('gamma', tf.ones([this.dim]));
    this.beta = this.registerParameter('beta', tf.zeros([this.dim]));
  }

  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', channelAxis: this.rank - 1 }];
  }

  override get hasIntegerOnlyForm(): boolean {
    return true;
  }

  forward(x: tf.Tensor): tf.Tensor {
    checkFeatures(x, this.kind, this.dim, this.rank);
    const grid = this.integerOnly ? gridOf(x) : undefined;
    const normalized = grid ? (xi: tf.Tensor) => iLayerNormNormalized(xi, grid, this.eps) : undefined;
    return tf.tidy(() => this.quantize('output', layerNorm(x, this.gamma, this.beta, this.eps, normalized)));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 1) ctx.fail(`LayerNorm takes one input, got ${inputs.length}`);
    if (this.integerOnly) {
      const constants = () => [this.lowerAffine(ctx, 'gamma'), this.lowerAffine(ctx, 'beta')];
      return lowerIntegerOnly(ctx, this, inputs, 'iLayerNorm', { constants, attrs: { eps: this.eps }, maxInputBits: 16 });
    }
    const x = inputs[0];
    const real = x.dtype === 'float32' ? x.name : ctx.builder.dequantize(x.name, { name: ctx.name('dequantize') });
    const y = ctx.builder.node('layerNorm', [real, this.lowerAffine(ctx, 'gamma'), this.lowerAffine(ctx, 'beta')], { eps: this.eps }, [{ name: ctx.name('layerNorm') }])[0];
    return ctx.toGrid({ name: y, dtype: 'float32' }, ctx.activationQuant(this, 'output'));
  }

  private lowerAffine(ctx: LoweringContext, which: 'gamma' | 'beta'): string {
    return ctx.builder.constant({ name: ctx.name(which), dtype: 'float32', shape: [this.dim], data: Float32Array.from(this[which].dataSync()) });
  }
}

/**
 * Layer norm over the last axis with the closed-form gradient:
 * dx = (g - mean(g) - xhat * mean(g * xhat)) / sigma with g = dy * gamma; dgamma = sum(dy * xhat);
 * dbeta = sum(dy), summed over all but the last axis. `normalized`, when given, computes xhat instead
 * (the integer-only form); the gradient uses it with the float 1/sigma.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, normalized?: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return customOp(([xi, gi, b], save) => {
    const { mean, variance } = tf.moments(xi, -1, true);
    const rs = tf.rsqrt(tf.add(variance, eps));
    const xh = normalized ? normalized(xi) : tf.mul(tf.sub(xi, mean), rs);
    save([xh, rs, gi]);
    return {
      value: tf.add(tf.mul(xh, gi), b),
      gradFunc: (dy, [xhat, rstd, g]) => {
        const lead = Array.from({ length: dy.rank - 1 }, (_, i) => i);
        const gy = tf.mul(dy, g);
        const dx = tf.mul(tf.sub(tf.sub(gy, tf.mean(gy, -1, true)), tf.mul(xhat, tf.mean(tf.mul(gy, xhat), -1, true))), rstd);
        return [dx, tf.sum(tf.mul(dy, xhat), lead), tf.sum(dy, lead)];
      },
    };
  })(x, gamma, beta);
}
