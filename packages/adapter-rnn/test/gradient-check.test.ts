// Gradients through the quantized LSTM and GRU cells (input, weight, recurrent weight, bias, int32
// bias rounding, 16-bit gates and cell, 8-bit hidden state, per-channel weights, both directions)
// against central finite differences of a float64 model of the same fake quantization with each
// rounding held fixed. Small cases (I 2, H 3, T 4, B 2); tolerance: |tfjs - fd| <= 2e-3 * max(1, |fd|)
// (tfjs computes in float32, the reference in float64, epsilon 1e-5).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, getPreset, prepare, type Quantizer } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { GRU, LSTM } from '@qatjs/adapter-rnn';
import { BACKENDS, randomNormal, useBackend } from '@qatjs/test-utils';
import { FrozenQuantizer, type Grid } from './helpers/frozen-fake-quant.ts';

const [B, T, I, H] = [2, 4, 2, 3];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function gridOf(q: Quantizer | undefined): Grid {
  const p = (q as Quantizer).qparams();
  return { scale: Array.from(p.scale), zeroPoint: Array.from(p.zeroPoint), qmin: p.qmin, qmax: p.qmax };
}

interface Params {
  w: number[]; // [I, D·G·H]
  u: number[]; // [H, D·G·H]
  b: number[]; // LSTM bias or GRU biasX [D·G·H]
  bh?: number[]; // GRU biasH
  x: number[]; // [B, T, I]
}

/** Σ r · output of a one-layer (bi)directional cell computed with frozen fake quantization. */
function referenceLoss(kind: 'LSTM' | 'GRU', D: number, p: Params, g: Record<string, Grid>, fz: FrozenQuantizer, r: number[]): number {
  fz.restart();
  const G = kind === 'LSTM' ? 4 : 3;
  const cols = D * G * H;
  const xq = p.x.map((v) => fz.fq(v, g.input));
  const wq = p.w.map((v, i) => fz.fq(v, g.weight, i % cols));
  const uq = p.u.map((v, i) => fz.fq(v, g.recurrentWeight, i % cols));
  const unit = (grid: Grid, w: Grid, n: number) => Math.fround(grid.scale[0] * w.scale[w.scale.length === 1 ? 0 : n]);
  const bq = p.b.map((v, n) => fz.round(v, unit(g.input, g.weight, n)));
  let loss = 0;
  for (let d = 0; d < D; d++) {
    for (let b = 0; b < B; b++) {
      let h = new Array<number>(H).fill(0);
      let c = new Array<number>(H).fill(0);
      let first = true;
      for (let s = 0; s < T; s++) {
        const t = d === 1 ? T - 1 - s : s;
        const pre = (m: number[], v: number[], rows: number, n: number) => {
          let a = 0;
          for (let k = 0; k < rows; k++) a += v[k] * m[k * cols + d * G * H + n];
          return a;
        };
        const xt = xq.slice((b * T + t) * I, (b * T + t + 1) * I);
        if (kind === 'LSTM') {
          const v = Array.from({ length: 4 * H }, (_, n) => fz.fq(pre(wq, xt, I, n) + bq[d * 4 * H + n] + (first ? 0 : pre(uq, h, H, n)), g.gates, n));
          c = c.map((cj, j) => fz.fq(sigmoid(v[H + j]) * cj + sigmoid(v[j]) * Math.tanh(v[2 * H + j]), g.cell));
          h = c.map((cj, j) => fz.fq(sigmoid(v[3 * H + j]) * Math.tanh(cj), g.hidden));
        } else {
          const bhq = (p.bh as number[]).map((v, n) => fz.round(v, unit(g.hidden, g.recurrentWeight, n)));
          const px = Array.from({ length: 3 * H }, (_, n) => fz.fq(pre(wq, xt, I, n) + bq[d * 3 * H + n], g.inputGates, n));
          const ph = Array.from({ length: 3 * H }, (_, n) => fz.fq((first ? 0 : pre(uq, h, H, n)) + bhq[d * 3 * H + n], g.recurrentGates, n));
          h = h.map((hj, j) => {
            const z = sigmoid(px[j] + ph[j]);
            const rr = sigmoid(px[H + j] + ph[H + j]);
            const nn = Math.tanh(px[2 * H + j] + rr * ph[2 * H + j]);
            return fz.fq((1 - z) * nn + (first ? 0 : z * hj), g.hidden);
          });
        }
        first = false;
        for (let j = 0; j < H; j++) loss += r[((b * T + t) * D + d) * H + j] * h[j];
      }
    }
  }
  return loss;
}

for (const backend of BACKENDS) {
  describe(`gradients through the quantized cells match finite differences (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const kind of ['LSTM', 'GRU'] as const) {
      for (const bidirectional of [false, true]) {
        it(`${kind}${bidirectional ? ' bidirectional' : ''}, W4A8 with 16-bit gates${kind === 'LSTM' ? ' and cell' : ''}`, async () => {
          const D = bidirectional ? 2 : 1;
          const rnn = kind === 'LSTM' ? new LSTM({ inputSize: I, hidden: H, bidirectional, seed: 4 }) : new GRU({ inputSize: I, hidden: H, bidirectional, seed: 4 });
          const layer = rnn.layers[0];
          for (const [, v] of layer.namedParameters()) if (v.rank === 1) v.assign(tf.tensor1d(randomNormal(v.size, 17).map((z) => 0.3 * z)));
          // 4-bit weights: coarse grids, so rounding matters; scales frozen after calibration
          prepare(rnn, { ...getPreset('w4a8'), rules: [...getPreset('w4a8').rules, { match: '*', input: { quantizer: 'asymmetric', bits: 8 } }] }, { onWarning: () => {} });
          const xData = randomNormal(B * T * I, 5);
          const x = tf.tensor3d(xData, [B, T, I]);
          await calibrate(rnn, [x]);
          for (const [, q] of rnn.namedQuantizers()) q.freeze();
          rnn.eval();
          const r = Array.from(randomNormal(B * T * D * H, 8));
          const rT = tf.tensor3d(r, [B, T, D * H]);
          const params = [layer.weight, layer.recurrentWeight, ...('bias' in layer ? [layer.bias] : [layer.biasX, layer.biasH])];
          const lossOf = () => tf.sum(tf.mul(rnn.forward(x).output, rT)) as tf.Scalar;
          const { grads } = tf.variableGrads(lossOf, params);
          const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(rnn.forward(xx).output, rT)))(x);
          const g: Record<string, Grid> = Object.fromEntries(layer.namedQuantizers().map(([label, q]) => [label.split('/')[1], gridOf(q)]));
          const base: Params = {
            w: Array.from(layer.weight.dataSync()),
            u: Array.from(layer.recurrentWeight.dataSync()),
            b: Array.from(('bias' in layer ? layer.bias : layer.biasX).dataSync()),
            ...('biasH' in layer ? { bh: Array.from(layer.biasH.dataSync()) } : {}),
            x: Array.from(xData),
          };
          const fz = new FrozenQuantizer();
          const f0 = referenceLoss(kind, D, base, g, fz, r);
          fz.recording = false;
          expect(Math.abs(f0 - tf.tidy(() => lossOf().dataSync()[0]))).toBeLessThan(1e-3 * Math.max(1, Math.abs(f0)));
          const eps = 1e-5;
          const check = (key: keyof Params, got: ArrayLike<number>) => {
            const vals = base[key] as number[];
            let worst = 0;
            for (let i = 0; i < vals.length; i++) {
              const plus = { ...base, [key]: vals.map((v, j) => (j === i ? v + eps : v)) };
              const minus = { ...base, [key]: vals.map((v, j) => (j === i ? v - eps : v)) };
              const fd = (referenceLoss(kind, D, plus, g, fz, r) - referenceLoss(kind, D, minus, g, fz, r)) / (2 * eps);
              worst = Math.max(worst, Math.abs(got[i] - fd) / Math.max(1, Math.abs(fd)));
            }
            return worst;
          };
          const names = Object.keys(grads);
          const byName = (n: string) => grads[names.find((k) => k.endsWith(n)) ?? ''].dataSync();
          const worst = {
            weight: check('w', byName(layer.weight.name)),
            recurrentWeight: check('u', byName(layer.recurrentWeight.name)),
            bias: check('b', byName(('bias' in layer ? layer.bias : layer.biasX).name)),
            x: check('x', dx.dataSync()),
            ...('biasH' in layer ? { biasH: check('bh', byName(layer.biasH.name)) } : {}),
          };
          for (const [what, w] of Object.entries(worst)) expect({ what, ok: w <= 2e-3 }).toEqual({ what, ok: true });
          // the check is not vacuous: some gradients are far from zero
          expect(Math.max(...Array.from(byName(layer.recurrentWeight.name)).map(Math.abs))).toBeGreaterThan(1e-2);
          tf.dispose([x, rT, dx, ...Object.values(grads)]);
          rnn.dispose();
        });
      }
    }
  });
}
