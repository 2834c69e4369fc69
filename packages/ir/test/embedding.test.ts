import { describe, expect, it } from 'vitest';
import { refRoundHalfEven } from '@qatjs/test-utils/reference';
import { ModelBuilder, decodeModel, encodeModel, makeQuant, packCodes, runReference, type QuantParams } from '@qatjs/ir';
import { expectModelError } from './helpers.ts';

// embedding: int32 tokens, a quantized table, y = the gathered row fake-quantized onto y's grid.

const f32 = Math.fround;

function model(table: { dtype: 'int8' | 'int4'; codes: number[]; quant: QuantParams }, y: { dtype: 'int8' | 'uint8'; quant: QuantParams }, shape = [-1, -2]) {
  const b = new ModelBuilder();
  const tokens = b.input('tokens', 'int32', shape);
  const data = table.dtype === 'int8' ? Int8Array.from(table.codes) : packCodes('int4', table.codes);
  const t = b.constant({ name: 'table', dtype: table.dtype, shape: [3, 4], quant: table.quant, data });
  b.output(b.embedding(tokens, t, { name: 'y', ...y }));
  return b.build();
}

/** The contract's formula, written out per element in float32 steps. */
function expected(codes: number[], sw: number[], zw: number[], tokens: number[], sy: number, zy: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (const t of tokens) {
    for (let d = 0; d < 4; d++) {
      const real = f32((codes[t * 4 + d] - zw[t]) * f32(sw[t]));
      out.push(Math.min(hi, Math.max(lo, refRoundHalfEven(f32(real / f32(sy))) + zy)));
    }
  }
  return out;
}

const CODES = [-8, -3, 0, 7, 1, 2, 3, -4, 5, -6, 7, -1];

describe('embedding op', () => {
  it('per-row int8 table, uint8 output: the fake-quant formula element by element (ties, clipping)', () => {
    const sw = [0.25, 0.5, 0.1];
    const zw = [0, 1, -2];
    const m = model({ dtype: 'int8', codes: CODES, quant: makeQuant({ scale: sw, zeroPoint: zw, axis: 0 }) }, { dtype: 'uint8', quant: makeQuant({ scale: 0.5, zeroPoint: 3 }) });
    const tokens = [2, 0, 1, 1, 0, 2];
    const y = runReference(decodeModel(encodeModel(m)), { tokens: { data: Int32Array.from(tokens), shape: [2, 3] } }).y;
    expect(y).toBeInstanceOf(Uint8Array);
    const want = expected(CODES, sw, zw, tokens, 0.5, 3, 0, 255);
    expect(Array.from(y)).toEqual(want);
    // token 0, d = 1: -3 * 0.25 / 0.5 = -1.5 -> -2 (half to even) + 3 = 1; token 0, d = 0: -4 + 3 = -1 clips to 0
    expect([y[4 + 1], y[4]]).toEqual([1, 0]);
  });

  it('per-tensor int4 table, int8 output on a 4-bit grid clips to it', () => {
    const m = model({ dtype: 'int4', codes: CODES, quant: makeQuant({ scale: 0.3, bits: 4 }) }, { dtype: 'int8', quant: makeQuant({ scale: 0.2, bits: 4 }) });
    const tokens = [0, 1, 2];
    const y = runReference(m, { tokens: { data: Int32Array.from(tokens), shape: [1, 3] } }).y;
    expect(Array.from(y)).toEqual(expected(CODES, [0.3, 0.3, 0.3], [0, 0, 0], tokens, 0.2, 0, -8, 7));
  });

  it('refuses a token outside [0, V) at run time, naming the id, its position and V', () => {
    const m = model({ dtype: 'int8', codes: CODES, quant: makeQuant({ scale: 0.1 }) }, { dtype: 'int8', quant: makeQuant({ scale: 0.1 }) });
    expectModelError(() => runReference(m, { tokens: { data: Int32Array.of(0, 3), shape: [1, 2] } }), /tokens\[1\]/, /token id 3 at position 1 is outside \[0, 3\)/);
    expectModelError(() => runReference(m, { tokens: { data: Int32Array.of(-1, 0), shape: [2, 1] } }), /tokens\[0\]/, /token id -1 at position 0/);
  });

  it('refuses a table that is not [V, D] or is per-channel along axis 1, and float tokens', () => {
    const b = new ModelBuilder();
    const tokens = b.input('tokens', 'int32', [-1, 5]);
    const bad = b.constant({ name: 't', dtype: 'int8', shape: [3, 4], quant: makeQuant({ scale: [1, 1, 1, 1], axis: 1 }), data: new Int8Array(12) });
    expectModelError(() => b.embedding(tokens, bad, { dtype: 'int8', quant: makeQuant({ scale: 1 }) }), 'nodes[0].inputs[1]', /must use axis 0/);
    const x = b.input('x', 'float32', [-1, 5]);
    const ok = b.constant({ name: 't2', dtype: 'int8', shape: [3, 4], quant: makeQuant({ scale: 1 }), data: new Int8Array(12) });
    expectModelError(() => b.embedding(x, ok, { dtype: 'int8', quant: makeQuant({ scale: 1 }) }), 'nodes[0].inputs[0]', /must be int32/);
  });

  it('int32 graph inputs carry no quant params; int16 values need them', () => {
    const b = new ModelBuilder();
    expectModelError(() => b.input('t', 'int32', [-1, 2], makeQuant({ scale: 1 })), 'inputs[0].quant', /int32 value has no quant params/);
    expectModelError(() => b.input('c', 'int16', [-1, 2]), 'inputs[0].quant', /int16 value needs quant params/);
    expectModelError(() => b.input('c', 'int16', [-1, 2], makeQuant({ scale: 1, bits: 17 })), 'inputs[0].quant.bits', /2\.\.16 for int16/);
  });
});
