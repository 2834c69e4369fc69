// LSTM and GRU in float (no quantizers) against the float64 references: stacked, bidirectional,
// initial states in, final states out, last state or every step.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, LSTM } from '@qatjs/adapter-rnn';
import { BACKENDS, randomNormal, useBackend } from '@qatjs/test-utils';
import { directionColumns, gruReference, lstmReference, type Direction } from './helpers/float-reference.ts';

const B = 2;
const T = 5;

function rows(data: ArrayLike<number>, shape: number[]): number[][][] {
  const [b, t, f] = shape;
  return Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, s) => Array.from(Array.prototype.slice.call(data, (i * t + s) * f, (i * t + s + 1) * f) as number[])));
}

function directionOf(layer: LSTM['layers'][number] | GRU['layers'][number], d: number): Direction {
  const cols = layer.columns;
  const w = directionColumns(layer.weight.dataSync() as Float32Array, layer.inputSize, cols, layer.directions, d);
  const u = directionColumns(layer.recurrentWeight.dataSync() as Float32Array, layer.hidden, cols, layer.directions, d);
  const per = cols / layer.directions;
  const slice = (v: tf.Variable) => (v.dataSync() as Float32Array).slice(d * per, (d + 1) * per);
  if ('bias' in layer) return { w, u, b: slice(layer.bias) };
  return { w, u, b: slice(layer.biasX), bh: slice(layer.biasH) };
}

/** The reference of a whole stack: per sample, layer by layer, both directions concatenated. */
function stackReference(rnn: LSTM | GRU, x: number[][][], state?: { h: number[][][]; c?: number[][][] }) {
  const { numLayers, directions, hidden } = rnn.options;
  const hT: number[][][] = Array.from({ length: numLayers * directions }, () => []);
  const cT: number[][][] = Array.from({ length: numLayers * directions }, () => []);
  const out = x.map((seq, b) => {
    let input = seq;
    for (let l = 0; l < numLayers; l++) {
      const runs = Array.from({ length: directions }, (_, d) => {
        const k = l * directions + d;
        const dir = directionOf(rnn.layers[l], d);
        return rnn.kind === 'LSTM' ? lstmReference(input, dir, hidden, d === 1, state?.h[k][b], state?.c?.[k][b]) : gruReference(input, dir, hidden, d === 1, state?.h[k][b]);
      });
      runs.forEach((r, d) => {
        hT[l * directions + d][b] = r.h;
        if ('c' in r) cT[l * directions + d][b] = r.c as number[];
      });
      input = input.map((_, t) => runs.flatMap((r) => r.ys[t]));
    }
    return input;
  });
  return { out, hT, cT };
}

function expectClose(actual: tf.Tensor, want: number[], tol = 2e-5): void {
  const a = actual.dataSync();
  expect(a.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - want[i]));
  expect(worst).toBeLessThan(tol);
}

const flat3 = (a: number[][][]) => a.flat(2);

for (const backend of BACKENDS) {
  describe(`LSTM and GRU in float (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const Cell of [LSTM, GRU]) {
      for (const o of [
        { numLayers: 1, bidirectional: false },
        { numLayers: 2, bidirectional: true },
      ]) {
        it(`${Cell.name} ${o.numLayers} layer(s)${o.bidirectional ? ', bidirectional' : ''}: every step, final states, initial states`, () => {
          const rnn = new Cell({ inputSize: 3, hidden: 4, seed: 5, ...o });
          // non-zero biases so both bias paths are checked
          for (const [, v] of rnn.namedParameters()) if (v.rank === 1) v.assign(tf.tensor1d(randomNormal(v.size, 11).map((z) => 0.3 * z)));
          const xData = randomNormal(B * T * 3, 2);
          const x = tf.tensor3d(xData, [B, T, 3]);
          const k = o.numLayers * (o.bidirectional ? 2 : 1);
          const h0 = tf.tensor3d(randomNormal(k * B * 4, 3).map((v) => 0.5 * v), [k, B, 4]);
          const c0 = tf.tensor3d(randomNormal(k * B * 4, 4), [k, B, 4]);
          const asRows = (t: tf.Tensor) => Array.from({ length: k }, (_, i) => rows(t.dataSync().slice(i * B * 4, (i + 1) * B * 4), [1, B, 4])[0]);
          for (const withState of [false, true]) {
            const state = withState ? (Cell === LSTM ? { h: h0, c: c0 } : { h: h0 }) : undefined;
            const got = rnn.forward(x, state);
            const ref = stackReference(rnn, rows(xData, [B, T, 3]), withState ? { h: asRows(h0), c: asRows(c0) } : undefined);
            expect(got.output.shape).toEqual([B, T, 4 * (o.bidirectional ? 2 : 1)]);
            expectClose(got.output, flat3(ref.out));
            expect(got.h.shape).toEqual([k, B, 4]);
            expectClose(got.h, flat3(ref.hT));
            if (Cell === LSTM) expectClose((got as unknown as { c: tf.Tensor }).c, flat3(ref.cT));
            tf.dispose(Object.values(got));
          }
          tf.dispose([x, h0, c0]);
          rnn.dispose();
        });
      }

      it(`${Cell.name} returnSequences false gives the final states of both directions of the last layer`, () => {
        const rnn = new Cell({ inputSize: 3, hidden: 4, seed: 9, bidirectional: true, returnSequences: false });
        const x = tf.tensor3d(randomNormal(B * T * 3, 6), [B, T, 3]);
        const got = rnn.forward(x);
        expect(got.output.shape).toEqual([B, 8]);
        const h = got.h.arraySync() as number[][][];
        expectClose(got.output, [0, 1].flatMap((b) => [...h[0][b], ...h[1][b]]), 1e-7);
        tf.dispose([x, ...Object.values(got)]);
        rnn.dispose();
      });
    }
  });
}
