import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { randomNormal } from '@qatjs/test-utils';

// I-BERT's integer-only ops (runtime/ops/integer-only.ts) against the reference interpreter: code for code.
const q = (scale: number, zeroPoint = 0, bits = 8) => makeQuant({ scale, zeroPoint, bits });
const codes = (n: number, seed: number, amp: number, lo: number, hi: number) => randomNormal(n, seed).map((v) => Math.max(lo, Math.min(hi, Math.round(amp * v))));

describe('integer-only ops on the runtime', () => {
  it('iGelu, iSoftmax (causal, scaled; uint8 output) and iLayerNorm (int8 and int16 input) equal the reference', async () => {
    const b = new ModelBuilder();
    const h = b.input('h', 'int8', [-1, 4, 16], q(0.04, -5));
    const g = b.node('iGelu', [h], {}, [{ name: 'g', dtype: 'int8', quant: q(0.03, -100) }])[0];
    const s = b.input('s', 'int8', [-1, 2, 4, 4], q(0.2, 3));
    const p = b.node('iSoftmax', [s], { scale: 0.5, causal: true }, [{ name: 'p', dtype: 'uint8', quant: q(1 / 255, 0) }])[0];
    const gamma = b.constant({ name: 'gamma', dtype: 'float32', shape: [16], data: Float32Array.from(randomNormal(16, 1), (v) => 1 + 0.2 * v) });
    const beta = b.constant({ name: 'beta', dtype: 'float32', shape: [16], data: Float32Array.from(randomNormal(16, 2), (v) => 0.1 * v) });
    const ln8 = b.node('iLayerNorm', [h, gamma, beta], { eps: 1e-5 }, [{ name: 'ln8', dtype: 'int8', quant: q(0.03, 2) }])[0];
    const r = b.input('r', 'int16', [-1, 4, 16], q(0.0005, 40, 16));
    const ln16 = b.node('iLayerNorm', [r, gamma, beta], { eps: 1e-5 }, [{ name: 'ln16', dtype: 'int8', quant: q(0.03, 2) }])[0];
    b.output(g, p, ln8, ln16);
    const model = b.build();
    const inputs = {
      h: Int8Array.from(codes(3 * 64, 3, 50, -128, 127)),
      s: Int8Array.from(codes(3 * 32, 4, 40, -128, 127)),
      r: Int16Array.from(codes(3 * 64, 5, 9000, -32768, 32767)),
    };
    const ref = runReference(model, inputs);
    const session = await loadSession(model);
    try {
      const run = session.run(inputs);
      for (const name of ['g', 'p', 'ln8', 'ln16']) expect(Array.from(run[name])).toEqual(Array.from(ref[name]));
      expect(new Set(run.g).size).toBeGreaterThan(20);
      expect(Array.from(run.p.slice(0, 4))).toEqual([255, 0, 0, 0]); // row 0 of a causal block sees one column: p = 1
    } finally {
      session.dispose();
    }
  });
});
