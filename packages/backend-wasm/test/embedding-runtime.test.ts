import { describe, expect, it } from 'vitest';
import { ModelBuilder, encodeModel, makeQuant, packCodes, runReference, type QuantParams } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { rng } from '@qatjs/test-utils';

// The embedding op on the int runtime: code for code the reference, for int8/int4 tables, per-row and
// per-tensor, int8 and uint8 outputs; a token id outside [0, V) is refused at run time.

interface Case {
  readonly table: 'int8' | 'int4';
  readonly perRow: boolean;
  readonly out: 'int8' | 'uint8';
  readonly vocab: number;
  readonly dim: number;
}

function build(c: Case, seed: number) {
  const r = rng(seed);
  const [lo, hi] = c.table === 'int8' ? [-128, 127] : [-8, 7];
  const codes = Array.from({ length: c.vocab * c.dim }, () => lo + Math.floor(r() * (hi - lo + 1)));
  const quant: QuantParams = c.perRow
    ? makeQuant({ scale: Array.from({ length: c.vocab }, () => 0.01 + r() * 0.1), zeroPoint: Array.from({ length: c.vocab }, () => Math.floor(r() * 5) - 2), axis: 0, bits: c.table === 'int8' ? 8 : 4 })
    : makeQuant({ scale: 0.05, bits: c.table === 'int8' ? 8 : 4 });
  const b = new ModelBuilder();
  const tokens = b.input('tokens', 'int32', [-1, -2]);
  const data = c.table === 'int8' ? Int8Array.from(codes) : packCodes('int4', codes);
  const t = b.constant({ name: 'table', dtype: c.table, shape: [c.vocab, c.dim], quant, data });
  const yq = makeQuant({ scale: 0.03 + r() * 0.05, zeroPoint: c.out === 'uint8' ? 100 : -5 });
  b.output(b.embedding(tokens, t, { name: 'y', dtype: c.out, quant: yq }));
  return b.build();
}

describe('embedding on the int runtime', () => {
  const cases: Case[] = [
    { table: 'int8', perRow: true, out: 'int8', vocab: 17, dim: 8 },
    { table: 'int8', perRow: false, out: 'uint8', vocab: 5, dim: 3 },
    { table: 'int4', perRow: true, out: 'uint8', vocab: 9, dim: 33 },
    { table: 'int4', perRow: false, out: 'int8', vocab: 65, dim: 16 },
  ];
  cases.forEach((c, i) => {
    it(`${c.table} table ${c.perRow ? 'per row' : 'per tensor'}, ${c.out} output: equals the reference code for code, at two sequence lengths`, async () => {
      const model = build(c, 10 + i);
      const session = await loadSession(encodeModel(model));
      const r = rng(50 + i);
      for (const [batch, steps] of [[3, 7], [1, 2]]) {
        const ids = Int32Array.from({ length: batch * steps }, () => Math.floor(r() * c.vocab));
        const input = { tokens: { data: ids, shape: [batch, steps] } };
        const got = session.run(input).y;
        const want = runReference(model, input).y;
        expect(got.constructor).toBe(want.constructor);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
      session.dispose();
    });
  });

  it('refuses a token id outside [0, V), naming the id, its position and V', async () => {
    const session = await loadSession(build(cases[0], 3));
    expect(() => session.run({ tokens: { data: Int32Array.of(0, 16, 17), shape: [1, 3] } })).toThrow(/token id 17 at position 2 is outside \[0, 17\)/);
    expect(() => session.run({ tokens: { data: Int32Array.of(-4), shape: [1, 1] } })).toThrow(/token id -4 at position 0/);
    expect(() => session.run({ tokens: { data: Float32Array.of(1), shape: [1, 1] } })).toThrow(/is int32: give an Int32Array/);
    session.dispose();
  });
});
