// The transformer exporters on a synthetic IntModel (positionalAdd with a per-row table, layerNorm,
// softmax with scale and the causal mask, gelu, transpose of codes, matmul with transposeB): onnxruntime
// (optimizations off and all) against the IR's reference interpreter, code for code.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, runReference, type IntModel } from '@qatjs/ir';
import { rng } from '@qatjs/test-utils';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { ortSession } from './helpers/ort.ts';

const [B, T, D] = [3, 6, 8];

function ints(n: number, lo: number, hi: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

function model(): IntModel {
  const b = new ModelBuilder();
  const xq = makeQuant({ scale: 0.05, zeroPoint: 3 });
  const x = b.input('x', 'int8', [-1, T, D], xq);
  const pq = makeQuant({ scale: Array.from({ length: T + 2 }, (_, i) => 0.02 + 0.005 * i), axis: 0 });
  const table = b.constant({ name: 'pos.table', dtype: 'int8', shape: [T + 2, D], quant: pq, data: Int8Array.from(ints((T + 2) * D, -127, 127, 2)) });
  const h = b.node('positionalAdd', [x, table], {}, [{ name: 'pos.output', dtype: 'int8', quant: makeQuant({ scale: 0.06, zeroPoint: -1 }) }])[0];
  const f = b.dequantize(h, { name: 'ln.input' });
  const gamma = b.constant({ name: 'ln.gamma', dtype: 'float32', shape: [D], data: Float32Array.from({ length: D }, (_, i) => 0.5 + 0.1 * i) });
  const beta = b.constant({ name: 'ln.beta', dtype: 'float32', shape: [D], data: Float32Array.from({ length: D }, (_, i) => 0.05 * i - 0.2) });
  const ln = b.node('layerNorm', [f, gamma, beta], { eps: 1e-5 }, [{ name: 'ln.output', dtype: 'float32' }])[0];
  const g = b.node('gelu', [ln], {}, [{ name: 'mlp.gelu', dtype: 'float32' }])[0];
  const gq = b.quantize(g, { name: 'mlp.output', dtype: 'int8', quant: makeQuant({ scale: 0.02, zeroPoint: -100 }) });
  // scores = g g^T [B, T, T], causal softmax with a scale
  const sc = b.matmul(gq, gq, { transposeB: true }, { name: 'attn.scores', dtype: 'int8', quant: makeQuant({ scale: 0.05 }) });
  const sf = b.dequantize(sc, { name: 'attn.scores_f' });
  const p = b.node('softmax', [sf], { scale: 0.7, causal: true }, [{ name: 'attn.probs_f', dtype: 'float32' }])[0];
  const pq8 = b.quantize(p, { name: 'attn.probs', dtype: 'int8', quant: makeQuant({ scale: 1 / 255, zeroPoint: -128 }) });
  b.output(pq8);
  const tr = b.node('transpose', [gq], { perm: [0, 2, 1] }, [{ name: 'mlp.transposed' }])[0];
  b.output(tr);
  return b.build();
}

describe('transformer op exporters against the reference interpreter', () => {
  it('positionalAdd, layerNorm, gelu, matmul transposeB, causal softmax, transpose: codes within 1, almost all equal', async () => {
    const ir = model();
    const x = Int8Array.from(ints(B * T * D, -128, 127, 7));
    const want = runReference(ir, { x: { data: x, shape: [B, T, D] } } as never);
    const bytes = exportOnnx(ir);
    const ops = decodeModelProto(bytes).graph.node.map((n) => n.op_type);
    for (const op of ['Softmax', 'Tanh', 'ReduceMean', 'Sqrt', 'Transpose', 'MatMul']) expect(ops).toContain(op);
    for (const level of ['disabled', 'all'] as const) {
      const s = await ortSession(bytes, level);
      const out = await s.run({ x: new ort.Tensor('int8', x, [B, T, D]) });
      await s.release();
      let [total, same, worst] = [0, 0, 0];
      for (const name of ir.outputs) {
        const got = out[name].data as ArrayLike<number>;
        const exp = want[name] as ArrayLike<number>;
        expect(got.length).toBe(exp.length);
        for (let i = 0; i < got.length; i++) {
          total++;
          if (Number(got[i]) === Number(exp[i])) same++;
          worst = Math.max(worst, Math.abs(Number(got[i]) - Number(exp[i])));
        }
      }
      console.log(`transformer ops synthetic, optimizations ${level}: ${same}/${total} codes equal the reference interpreter's, largest difference ${worst}`);
      expect(new Set(Array.from(want['attn.probs'] as ArrayLike<number>)).size).toBeGreaterThan(10);
      expect(worst).toBeLessThanOrEqual(1);
      expect(same / total).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('refusals name the node: a causal softmax with S < T, a run-time T for positionalAdd', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 4, 3]);
    b.output(b.node('softmax', [x], { causal: true }, [{ name: 'attn.probs', dtype: 'float32' }])[0]);
    expect(() => exportOnnx(b.build())).toThrow(/node 'attn\.probs' \(op softmax.*causal: S 3 < T 4/);
    const c = new ModelBuilder();
    const xq = makeQuant({ scale: 0.05 });
    const y = c.input('x', 'int8', [-1, -2, 2], xq);
    const table = c.constant({ name: 'pos.table', dtype: 'int8', shape: [4, 2], quant: makeQuant({ scale: 0.1 }), data: Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
    c.output(c.node('positionalAdd', [y, table], {}, [{ name: 'pos.output', dtype: 'int8', quant: xq }])[0]);
    expect(() => exportOnnx(c.build())).toThrow(/node 'pos\.output' \(op positionalAdd.*run-time size/);
  });
});
