// The recurrent exporters on synthetic IntModels with every input the IR ops take: lstm with bias, h0,
// c0 and reverse, int4 per-row W, per-row gate scales; gru with both biases, h0 and reverse; a
// bidirectional concat; all outputs (y, hT, cT) as integer graph outputs. onnxruntime (optimizations
// off and on) against the IR's reference interpreter, code for code.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelBuilder, biasQuant, makeQuant, packCodes, runReference, type IntModel, type QuantParams } from '@qatjs/ir';
import { rng } from '@qatjs/test-utils';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { ortSession } from './helpers/ort.ts';

const [B, T, I, H] = [3, 6, 4, 5];

function ints(n: number, lo: number, hi: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

function floats(n: number, lo: number, hi: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(lo + r() * (hi - lo)));
}

function model(cell: 'lstm' | 'gru'): IntModel {
  const g = cell === 'lstm' ? 4 : 3;
  const b = new ModelBuilder();
  const xq = makeQuant({ scale: 0.05, zeroPoint: 3 });
  const hq = makeQuant({ scale: 1 / 128, zeroPoint: -2 });
  const cq = makeQuant({ scale: 0.0005, bits: 16 });
  const x = b.input('x', 'int8', [-1, T, I], xq);
  const h0 = b.input('h0', 'int8', [-1, H], hq);
  const wq: QuantParams = makeQuant({ scale: floats(g * H, 0.05, 0.15, 1), bits: 4, axis: 1 });
  const uq: QuantParams = makeQuant({ scale: 0.02 });
  const w = b.constant({ name: 'rnn.W', dtype: 'int4', shape: [I, g * H], quant: wq, data: packCodes('int4', ints(I * g * H, -8, 7, 2)) });
  const u = b.constant({ name: 'rnn.U', dtype: 'int8', shape: [H, g * H], quant: uq, data: Int8Array.from(ints(H * g * H, -127, 127, 3)) });
  const bias = (name: string, inQ: QuantParams, wQ: QuantParams, seed: number) =>
    b.constant({ name, dtype: 'int32', shape: [g * H], quant: biasQuant(inQ, wQ, g * H), data: ints(g * H, -300, 300, seed) });
  const gates = makeQuant({ scale: floats(g * H, 0.0005, 0.002, 4), bits: 16, axis: 0 });
  const hidden = { dtype: 'int8' as const, quant: hq };
  if (cell === 'lstm') {
    const c0 = b.input('c0', 'int16', [-1, H], cq);
    const fwd = b.lstm(x, w, u, { bias: bias('rnn.bias', xq, wq, 5), h0, c0, gates }, { hidden, cell: cq, names: { y: 'rnn.y0', hT: 'rnn.h0', cT: 'rnn.c0' } });
    const bwd = b.lstm(x, w, u, { gates, reverse: true }, { hidden, cell: cq, names: { y: 'rnn.y1', hT: 'rnn.h1', cT: 'rnn.c1' } });
    b.output(b.concat([fwd.y, bwd.y], 2, { name: 'rnn.y' }));
    [fwd.hT, fwd.cT, bwd.hT, bwd.cT].forEach((o) => b.output(o));
  } else {
    const opts = { biasX: bias('rnn.biasX', xq, wq, 5), biasH: bias('rnn.biasH', hq, uq, 6), inputGates: gates, recurrentGates: makeQuant({ scale: 0.001, bits: 16 }) };
    const fwd = b.gru(x, w, u, { ...opts, h0 }, { hidden, names: { y: 'rnn.y0', hT: 'rnn.h0' } });
    const bwd = b.gru(x, w, u, { ...opts, reverse: true }, { hidden, names: { y: 'rnn.y1', hT: 'rnn.h1' } });
    b.output(b.concat([fwd.y, bwd.y], 2, { name: 'rnn.y' }));
    [fwd.hT, bwd.hT].forEach((o) => b.output(o));
  }
  return b.build();
}

describe('lstm and gru exporters against the reference interpreter', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: bias, h0${cell === 'lstm' ? ', c0' : ''}, reverse, int4 W, bidirectional concat: every code within 1, >= 97% equal`, async () => {
      const ir = model(cell);
      const x = Int8Array.from(ints(B * T * I, -128, 127, 7));
      const h0 = Int8Array.from(ints(B * H, -100, 100, 8));
      const c0 = Int16Array.from(ints(B * H, -4000, 4000, 9));
      const feeds: Record<string, { data: ArrayLike<number>; shape: number[] }> = { x: { data: x, shape: [B, T, I] }, h0: { data: h0, shape: [B, H] } };
      if (cell === 'lstm') feeds.c0 = { data: c0, shape: [B, H] };
      const want = runReference(ir, feeds as never);
      const bytes = exportOnnx(ir);
      for (const level of ['disabled', 'all'] as const) {
        const s = await ortSession(bytes, level);
        const ortFeeds: Record<string, ort.Tensor> = { x: new ort.Tensor('int8', x, [B, T, I]), h0: new ort.Tensor('int8', h0, [B, H]) };
        if (cell === 'lstm') ortFeeds.c0 = new ort.Tensor('int16', c0, [B, H]);
        const out = await s.run(ortFeeds);
        await s.release();
        let total = 0;
        let same = 0;
        let worst = 0;
        for (const name of ir.outputs) {
          const got = out[name].data as ArrayLike<number>;
          const exp = want[name];
          expect(got.length).toBe(exp.length);
          for (let i = 0; i < got.length; i++) {
            total++;
            if (Number(got[i]) === Number(exp[i])) same++;
            worst = Math.max(worst, Math.abs(Number(got[i]) - Number(exp[i])));
          }
        }
        console.log(`${cell} synthetic, optimizations ${level}: ${same}/${total} codes equal the reference interpreter's, largest difference ${worst}`);
        expect(new Set(Array.from(want['rnn.y'])).size).toBeGreaterThan(10); // not a saturated model
        expect(worst).toBeLessThanOrEqual(1);
        expect(same / total).toBeGreaterThanOrEqual(0.97);
      }
    });
  }
});

describe('embedding exporter against the reference interpreter', () => {
  it('per-row asymmetric int4 table (opset 13 and INT4 at opset 21): the reference codes exactly', async () => {
    const [V, D] = [11, 6];
    const b = new ModelBuilder();
    const tokens = b.input('tokens', 'int32', [-1, 7]);
    const quant = makeQuant({ scale: floats(V, 0.02, 0.2, 11), zeroPoint: Array.from(ints(V, -2, 2, 12)), bits: 4, axis: 0 });
    const table = b.constant({ name: 'embedding.weight', dtype: 'int4', shape: [V, D], quant, data: packCodes('int4', ints(V * D, -8, 7, 13)) });
    b.output(b.embedding(tokens, table, { name: 'embedding.output', dtype: 'int8', quant: makeQuant({ scale: 0.03, zeroPoint: 5 }) }));
    const ir = b.build();
    const ids = ints(2 * 7, 0, V - 1, 14);
    const want = runReference(ir, { tokens: { data: ids, shape: [2, 7] } })['embedding.output'];
    expect(new Set(Array.from(want)).size).toBeGreaterThan(10);
    for (const [options, level] of [[{}, 'disabled'], [{}, 'all'], [{ opset: 21, lowBits: 'int4' as const }, 'disabled']] as const) {
      const s = await ortSession(exportOnnx(ir, options), level);
      const got = (await s.run({ tokens: new ort.Tensor('int32', ids, [2, 7]) }))['embedding.output'].data as Int8Array;
      await s.release();
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});

describe('concat exporter', () => {
  it('joins codes on one grid (Concat of the codes; through floats for INT4 storage): the reference codes exactly', async () => {
    const b = new ModelBuilder();
    const q = makeQuant({ scale: 0.1, zeroPoint: -1, bits: 4 });
    const a = b.quantize(b.input('a', 'float32', [-1, 3]), { name: 'a.q', dtype: 'int8', quant: q });
    const c = b.quantize(b.input('c', 'float32', [-1, 2]), { name: 'c.q', dtype: 'int8', quant: q });
    b.output(b.dequantize(b.concat([a, c, a], 1, { name: 'cat.output' }), { name: 'output' }));
    const ir = b.build();
    const av = Float32Array.from(floats(6, -1, 1, 21));
    const cv = Float32Array.from(floats(4, -1, 1, 22));
    const want = runReference(ir, { a: { data: av, shape: [2, 3] }, c: { data: cv, shape: [2, 2] } }).output;
    expect(new Set(Array.from(want)).size).toBeGreaterThan(4);
    const producer = (bytes: Uint8Array) => decodeModelProto(bytes).graph.node.find((n) => n.output.includes('cat.output'))?.op_type;
    expect(producer(exportOnnx(ir))).toBe('Concat');
    expect(producer(exportOnnx(ir, { opset: 21, lowBits: 'int4' }))).toBe('QuantizeLinear');
    for (const options of [{}, { opset: 21, lowBits: 'int4' as const }]) {
      const s = await ortSession(exportOnnx(ir, options), 'disabled');
      const got = (await s.run({ a: new ort.Tensor('float32', av, [2, 3]), c: new ort.Tensor('float32', cv, [2, 2]) })).output.data as Float32Array;
      await s.release();
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
