import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, calibrate, convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { Embedding, LayerError } from '@qatjs/layers';
import { runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { refRoundHalfEven } from '@qatjs/test-utils/reference';
import { rng } from '@qatjs/test-utils';

// Embedding: training is y = fq_output(gather(fq_weight(E), tokens)); the integer model's one
// embedding node computes that exactly, so the int runtime equals the fake-quant model code for code.

const [V, D, T] = [23, 12, 6];
const f32 = Math.fround;

function tokens(n: number, seed: number): tf.Tensor {
  const r = rng(seed);
  return tf.tensor2d(Int32Array.from({ length: n * T }, () => Math.floor(r() * V)), [n, T], 'int32');
}

async function prepared(preset: string): Promise<Sequential> {
  const model = new Sequential([new Embedding({ vocab: V, dim: D, seed: 3 })]);
  prepare(model, preset, { onWarning: () => {} });
  const batches = [tokens(16, 1), tokens(16, 2)];
  await calibrate(model, batches);
  tf.dispose(batches);
  model.eval();
  return model;
}

describe('Embedding', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('refuses bad options and bad token ids, naming the id and the vocab', () => {
    expect(() => new Embedding({ vocab: 0, dim: 4 })).toThrow(LayerError);
    expect(() => new Embedding({ vocab: 4, dim: 2.5 })).toThrow(/dim must be an integer >= 1/);
    const e = new Embedding({ vocab: 4, dim: 2 });
    const bad = tf.tensor2d([[0, 4]], [1, 2], 'int32');
    const frac = tf.tensor2d([[1.5, 0]], [1, 2], 'float32');
    const neg = tf.tensor2d([[-1, 0]], [1, 2], 'int32');
    const scalar = tf.scalar(1, 'int32');
    expect(() => e.forward(bad)).toThrow(/token id 4 at position 1 is outside \[0, 4\) \(vocab 4\)/);
    expect(() => e.forward(frac)).toThrow(/token id 1.5 at position 0 is not an integer in \[0, 4\)/);
    expect(() => e.forward(neg)).toThrow(/token id -1 at position 0/);
    expect(() => e.forward(scalar)).toThrow(/must have rank >= 1/);
    expect(() => e.forward(tf.tensor2d([[true, false]], [1, 2], 'bool'))).toThrow(/int32 ids, got a bool/);
    tf.dispose([bad, frac, neg, scalar]);
    e.dispose();
  });

  it('in float, gathers rows; declares weight (per row) and output points; trains on wasm (gather gradient) without leaking tensors', () => {
    const e = new Embedding({ vocab: 5, dim: 3, seed: 1 });
    expect(e.quantPoints().map((p) => [p.name, p.role, p.channelAxis])).toEqual([['weight', 'weight', 0], ['output', 'activation', 2]]);
    const ids = tf.tensor2d([[4, 0], [4, 4]], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    const y = e.forward(ids);
    const w = e.weight.arraySync() as number[][];
    expect(y.arraySync()).toEqual([[w[4], w[0]], [w[4], w[4]]]);
    const ids3 = tf.tensor3d([[[1], [2]]], [1, 2, 1], 'int32');
    const y3 = e.forward(ids3);
    expect(y3.shape).toEqual([1, 2, 1, 3]);
    expect(y3.arraySync()).toEqual([[[w[1]], [w[2]]]]);
    tf.dispose([ids3, y3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, tf.reshape(ids, [-1])), 1)))(e.weight);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3]);
    tf.dispose([y, g]);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
    e.dispose();
  });

  for (const preset of ['w8a8', 'w4a8']) {
    it(`${preset}: forward is the fake-quant formula; the int runtime and the reference equal it code for code`, async () => {
      const model = await prepared(preset);
      const emb = [...model.namedModules()].map(([, m]) => m).find((m): m is Embedding => m instanceof Embedding) as Embedding;
      const wq = emb.getQuantizer('weight')?.qparams();
      const oq = emb.getQuantizer('output')?.qparams();
      if (!wq || !oq) throw new Error('not quantized');
      expect(wq.scale.length).toBe(V);

      const ids = tokens(8, 9);
      const fake = tf.tidy(() => model.forward(ids).dataSync() as Float32Array);
      // the formula, independently: per-row fake-quant of the weight, gather, fake-quant of the output (float32 steps)
      const w = emb.weight.dataSync();
      const idv = ids.dataSync();
      const [sy, zy] = [oq.scale[0], oq.zeroPoint[0]];
      const want: number[] = [];
      const codes: number[] = [];
      for (const t of idv) {
        for (let d = 0; d < D; d++) {
          const [s, z] = [wq.scale[t], wq.zeroPoint[t]];
          const q = Math.min(wq.qmax, Math.max(wq.qmin, refRoundHalfEven(f32(w[t * D + d] / s)) + z));
          const real = f32((q - z) * s);
          const c = Math.min(oq.qmax, Math.max(oq.qmin, refRoundHalfEven(f32(real / sy)) + zy));
          codes.push(c);
          want.push(f32((c - zy) * sy));
        }
      }
      // (-0 and 0 are the same real number: tfjs gives -0 for a negative real rounded to code z)
      expect(Array.from(fake, (v) => v + 0)).toEqual(want.map((v) => v + 0));

      const ir = convert(model, { inputs: [{ name: 'tokens', shape: [-2], dtype: 'int32' }], floatOutput: false });
      expect(ir.nodes.map((n) => n.op)).toEqual(['embedding']);
      const input = { tokens: { data: Int32Array.from(idv), shape: [8, T] } };
      const ref = runReference(ir, input)[ir.outputs[0]] as Int8Array;
      const out = ir.values.find((v) => v.name === ir.outputs[0]);
      const shift = (oq.zeroPoint[0] - (out?.quant?.zeroPoint[0] ?? 0));
      expect(Array.from(ref, (c) => c + shift)).toEqual(codes);
      const session = await loadSession(ir);
      const rt = session.run(input)[ir.outputs[0]];
      expect(Array.from(rt)).toEqual(Array.from(ref));
      expect(() => session.run({ tokens: { data: Int32Array.of(0, V), shape: [1, 2] } })).toThrow(new RegExp(`token id ${V} at position 1`));
      expect(() => runReference(ir, { tokens: { data: Int32Array.of(V + 5), shape: [1, 1] } })).toThrow(new RegExp(`token id ${V + 5} at position 0`));
      session.dispose();
      ids.dispose();
      model.dispose();
    });
  }
});
