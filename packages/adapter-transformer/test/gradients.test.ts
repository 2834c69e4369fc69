import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, applySchedule, prepare } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-uniform';
import { CausalSelfAttention, gelu, layerNorm } from '@qatjs/adapter-transformer';
import { randomNormal, useBackend } from '@qatjs/test-utils';

// Gradients against central finite differences of the forward pass, on tfjs-backend-cpu (float32):
// f(x + h e_i) - f(x - h e_i) / 2h for every element i of one input, with a fixed random weighting
// of the outputs so that every output contributes.
const normal = (shape: number[], seed: number) => tf.tensor(randomNormal(shape.reduce((p, d) => p * d, 1), seed), shape);

function finiteDifferences(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, weights: tf.Tensor, h: number): Float64Array {
  const base = Float32Array.from(x.dataSync());
  const out = new Float64Array(base.length);
  const value = (v: Float32Array) => tf.tidy(() => tf.sum(tf.mul(f(tf.tensor(v, x.shape)), weights)).dataSync()[0]);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += h;
    minus[i] -= h;
    out[i] = (value(plus) - value(minus)) / (2 * h);
  }
  return out;
}

/** The worst |a - b| / (tol * (1 + max |b|)); <= 1 passes. */
function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (tol * (1 + scale)));
  return worst;
}

function analytic(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, weights: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), weights)))(x).dataSync() as Float32Array);
}

describe('gradients against central finite differences (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('layer norm: d/dx, d/dgamma, d/dbeta', () => {
    const x = tf.mul(normal([3, 4, 6], 1), 3);
    const gamma = tf.add(normal([6], 2), 1);
    const beta = normal([6], 3);
    const w = normal([3, 4, 6], 4);
    const eps = 1e-5;
    expect(worstRatio(analytic((v) => layerNorm(v, gamma, beta, eps), x, w), finiteDifferences((v) => layerNorm(v, gamma, beta, eps), x, w, 1e-2), 2e-3)).toBeLessThan(1);
    expect(worstRatio(analytic((g) => layerNorm(x, g, beta, eps), gamma, w), finiteDifferences((g) => layerNorm(x, g, beta, eps), gamma, w, 1e-2), 2e-3)).toBeLessThan(1);
    expect(worstRatio(analytic((b) => layerNorm(x, gamma, b, eps), beta, w), finiteDifferences((b) => layerNorm(x, gamma, b, eps), beta, w, 1e-2), 2e-3)).toBeLessThan(1);
    // the check can fail: a gradient off by 5% in one element is caught
    const g = analytic((v) => layerNorm(v, gamma, beta, eps), x, w);
    g[7] *= 1.05;
    g[7] += 0.05;
    expect(worstRatio(g, finiteDifferences((v) => layerNorm(v, gamma, beta, eps), x, w, 1e-2), 2e-3)).toBeGreaterThan(1);
    tf.dispose([x, gamma, beta, w]);
  });

  it('gelu', () => {
    const x = tf.mul(normal([40], 5), 2);
    const w = normal([40], 6);
    expect(worstRatio(analytic(gelu, x, w), finiteDifferences(gelu, x, w, 1e-2), 1e-3)).toBeLessThan(1);
    tf.dispose([x, w]);
  });

  it('causal self-attention in float, d/dx', () => {
    const attn = new CausalSelfAttention({ dModel: 8, heads: 2, context: 5, seed: 11 });
    const x = normal([2, 5, 8], 7);
    const w = normal([2, 5, 8], 8);
    const f = (v: tf.Tensor) => attn.forward(v);
    expect(worstRatio(analytic(f, x, w), finiteDifferences(f, x, w, 1e-2), 2e-3)).toBeLessThan(1);
    tf.dispose([x, w]);
    attn.dispose();
  });

  it('causal self-attention with both operands of q kᵀ and p v quantized (16-bit grids, frozen): the straight-through gradient matches', async () => {
    const attn = new CausalSelfAttention({ dModel: 8, heads: 2, context: 5, seed: 12 });
    const act = { quantizer: 'asymmetric', bits: 16 };
    prepare(attn, { rules: [{ match: 'Dense', output: act }, { match: 'CausalSelfAttention', points: { scores: act, probs: { quantizer: 'uniform', bits: 16, signed: false }, context: act } }] }, { onWarning: () => {} });
    const x = normal([2, 5, 8], 9);
    await calibrate(attn, [tf.mul(x, 1.5)]);
    attn.quantController!.schedule = { freezeObserversAt: 0 };
    applySchedule(attn, 0);
    const w = normal([2, 5, 8], 10);
    const f = (v: tf.Tensor) => attn.forward(v);
    // the quantizers are on: the forward differs from float by rounding, a little at 16 bits
    const quantized = tf.tidy(() => f(x).dataSync());
    attn.quantController!.fakeQuant = false;
    const float = tf.tidy(() => f(x).dataSync());
    attn.quantController!.fakeQuant = true;
    const diff = Math.max(...Array.from(quantized, (q, i) => Math.abs(q - float[i])));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(1e-3);
    expect(attn.namedQuantizers().map(([label]) => label).sort()).toEqual(['<root>/context', '<root>/probs', '<root>/scores', 'k/output', 'proj/output', 'q/output', 'v/output']);
    expect(worstRatio(analytic(f, x, w), finiteDifferences(f, x, w, 1e-2), 3e-3)).toBeLessThan(1);
    tf.dispose([x, w]);
    attn.dispose();
  });
});
