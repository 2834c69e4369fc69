import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { randomNormal } from '@qatjs/test-utils';

// int16 codes of a 16-bit residual stream on the runtime (runtime/ops/codes16.ts): positionalAdd into
// int16, add of int16 with int8 (same shape and broadcast), into int16 and into int8, dequantize of int16
// and quantize to int16 — each code for code the reference interpreter.
const q = (scale: number, zeroPoint = 0, bits = 8) => makeQuant({ scale, zeroPoint, bits });
const codes = (n: number, seed: number, amp: number, lo: number, hi: number) => randomNormal(n, seed).map((v) => Math.max(lo, Math.min(hi, Math.round(amp * v))));

describe('int16 residual-stream ops on the runtime', () => {
  it('equal the reference code for code', async () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 5, 8], q(0.04, 2));
    const branch = b.input('branch', 'int8', [-1, 5, 8], q(0.03, -7));
    const bias = b.input('bias', 'uint8', [8], q(0.02, 128));
    const table = b.constant({ name: 'P', dtype: 'int8', shape: [5, 8], quant: { ...q(0.01), scale: Float32Array.of(0.01, 0.02, 0.005, 0.03, 0.01), zeroPoint: new Int32Array(5), axis: 0 }, data: Int8Array.from(codes(40, 1, 60, -127, 127)) });
    const r0 = b.node('positionalAdd', [x, table], {}, [{ name: 'r0', dtype: 'int16', quant: q(0.0002, 11, 16) }])[0];
    const r1 = b.add(r0, branch, {}, { name: 'r1', dtype: 'int16', quant: q(0.00025, -3, 16) });
    const r2 = b.add(r1, bias, { clamp: [-20000, 30000] }, { name: 'r2', dtype: 'int16', quant: q(0.0003, 0, 16) });
    const n8 = b.add(r2, r1, {}, { name: 'n8', dtype: 'int8', quant: q(0.05, 1) });
    const f = b.dequantize(r2, { name: 'f' });
    const back = b.quantize(f, { name: 'back', dtype: 'int16', quant: q(0.0004, 100, 15) });
    b.output(r0, r1, r2, n8, f, back);
    const model = b.build();
    const inputs = {
      x: Int8Array.from(codes(3 * 40, 2, 60, -128, 127)),
      branch: Int8Array.from(codes(3 * 40, 3, 80, -128, 127)),
      bias: Uint8Array.from(codes(8, 4, 70, -128, 127), (v) => v + 128),
    };
    const ref = runReference(model, inputs);
    const session = await loadSession(model);
    try {
      const run = session.run(inputs);
      for (const name of ['r0', 'r1', 'r2', 'n8', 'back']) {
        expect(run[name].constructor).toBe(ref[name].constructor);
        expect(Array.from(run[name])).toEqual(Array.from(ref[name]));
      }
      expect(Array.from(run.f)).toEqual(Array.from(ref.f));
      expect(new Set(run.r2).size).toBeGreaterThan(60); // many codes: a fine grid, not a handful of values
      expect(Math.max(...run.r2)).toBeLessThanOrEqual(30000);
    } finally {
      session.dispose();
    }
  });
});
