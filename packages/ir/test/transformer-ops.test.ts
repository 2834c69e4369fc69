import { describe, expect, it } from 'vitest';
import { IntModelError, ModelBuilder, makeQuant, runReference, type QuantParams } from '@qatjs/ir';

// The transformer ops (layerNorm, softmax, gelu, transpose, positionalAdd): schemas refuse what they
// cannot run, naming the problem; references against independent float64 formulas written here.
const q = (scale: number, zeroPoint = 0, bits = 8): QuantParams => makeQuant({ scale, zeroPoint, bits });
const f32 = Math.fround;

describe('layerNorm', () => {
  const model = (d = 4, eps = 1e-5) => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 2, d]);
    const g = b.constant({ name: 'g', dtype: 'float32', shape: [d], data: Float32Array.from({ length: d }, (_, i) => 1 + i / 4) });
    const be = b.constant({ name: 'b', dtype: 'float32', shape: [d], data: Float32Array.from({ length: d }, (_, i) => i - 1) });
    b.output(b.node('layerNorm', [x, g, be], { eps }, [{ name: 'y' }])[0]);
    return b.build();
  };
  it('normalizes each row (float64 reference)', () => {
    const x = Float32Array.of(1, 2, 3, 4, -1, -1, -1, 5);
    const y = runReference(model(), { x }).y;
    for (let r = 0; r < 2; r++) {
      const row = Array.from(x.slice(r * 4, r * 4 + 4));
      const mean = row.reduce((a, v) => a + v, 0) / 4;
      const v = row.reduce((a, e) => a + (e - mean) ** 2, 0) / 4;
      row.forEach((e, j) => expect(y[r * 4 + j]).toBe(f32(((e - mean) / Math.sqrt(v + 1e-5)) * (1 + j / 4) + (j - 1))));
    }
  });
  it('refuses gamma of the wrong length', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 4]);
    const g = b.constant({ name: 'g', dtype: 'float32', shape: [3], data: new Float32Array(3) });
    expect(() => b.node('layerNorm', [x, g, g], { eps: 1e-5 }, [{ name: 'y' }])).toThrow(/'g' must have shape \[4\]/);
  });
});

describe('softmax', () => {
  const model = (attrs: Record<string, number | boolean>) => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 3, 3]);
    b.output(b.node('softmax', [x], attrs, [{ name: 'y' }])[0]);
    return b.build();
  };
  it('scales, masks causally and normalizes each row', () => {
    const x = Float32Array.of(1, 5, 9, 2, 0, 7, -1, 3, 1);
    const y = runReference(model({ scale: 0.5, causal: true }), { x }).y;
    const soft = (zs: number[]) => zs.map((z) => Math.exp(z) / zs.reduce((a, w) => a + Math.exp(w), 0));
    expect(Array.from(y)).toEqual([1, 0, 0, ...soft([1, 0]).map(f32), 0, ...soft([-0.5, 1.5, 0.5]).map(f32)]);
    const full = runReference(model({ scale: 1, causal: false }), { x }).y;
    expect(full[2]).toBe(f32(soft([1, 5, 9])[2]));
  });
});

describe('gelu', () => {
  it('is the tanh form', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 4]);
    b.output(b.node('gelu', [x], {}, [{ name: 'y' }])[0]);
    const xs = Float32Array.of(-3, -0.5, 0.7, 4);
    const y = runReference(b.build(), { x: xs }).y;
    xs.forEach((v, i) => expect(y[i]).toBe(f32(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))))));
  });
});

describe('transpose', () => {
  it('moves the heads axis: [B, T, H, d] -> [B, H, T, d], dtype and quant kept', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, -2, 2, 3], q(0.5, 1));
    b.output(b.node('transpose', [x], { perm: [0, 2, 1, 3] }, [{ name: 'y' }])[0]);
    const model = b.build();
    expect(model.values.find((v) => v.name === 'y')?.shape).toEqual([-1, 2, -2, 3]);
    // B = 1, T = 2: x[0, t, h, d] = 100 t + 10 h + d
    const xs = Int8Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112].map((v) => v - 56));
    const y = runReference(model, { x: { data: xs, shape: [1, 2, 2, 3] } } as never).y;
    expect(Array.from(y, (v) => v + 56)).toEqual([0, 1, 2, 100, 101, 102, 10, 11, 12, 110, 111, 112]);
  });
  it('refuses a perm that is not a permutation or moves the batch', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 2, 3], q(1));
    expect(() => b.node('transpose', [x], { perm: [0, 1, 1] }, [{}])).toThrow(IntModelError);
    expect(() => b.node('transpose', [x], { perm: [1, 0, 2] }, [{}])).toThrow(/must keep axis 0 \(the batch\) first/);
  });
});

describe('positionalAdd', () => {
  it('adds row t of the table at position t in float32, on the output grid (per-row table scales)', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 2, 2], q(0.1, 3));
    const pq = { ...q(0.05), scale: Float32Array.of(0.05, 0.2, 0.1), zeroPoint: Int32Array.of(0, 0, 0), axis: 0 };
    const p = b.constant({ name: 'P', dtype: 'int8', shape: [3, 2], quant: pq, data: Int8Array.of(10, -20, 5, 7, 100, 100) });
    b.output(b.node('positionalAdd', [x, p], {}, [{ name: 'y', dtype: 'int8', quant: q(0.25, -2) }])[0]);
    const xs = Int8Array.of(13, -7, 0, 127);
    const y = runReference(b.build(), { x: xs }).y;
    const table = [[10 * 0.05, -20 * 0.05], [5 * 0.2, 7 * 0.2]];
    const expected = Array.from(xs, (c, i) => {
      const t = Math.floor(i / 2);
      const v = f32(f32(f32((c - 3) * f32(0.1)) + f32(table[t][i % 2])) / f32(0.25));
      const r = Math.round(v) - (Math.abs(v % 1) === 0.5 && Math.round(v) % 2 !== 0 ? 1 : 0);
      return Math.max(-128, Math.min(127, r - 2));
    });
    expect(Array.from(y)).toEqual(expected);
  });
  it('refuses more positions than the table has', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 4, 2], q(0.1));
    const p = b.constant({ name: 'P', dtype: 'int8', shape: [3, 2], quant: q(0.1), data: new Int8Array(6) });
    expect(() => b.node('positionalAdd', [x, p], {}, [{ dtype: 'int8', quant: q(1) }])).toThrow(/x has 4 positions, the table 3/);
  });
});
