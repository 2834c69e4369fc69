// Elementwise ops in a session against the reference interpreter: float32 sigmoid / tanh / exp
// (within @qatjs/ir's FLOAT_KERNEL_TOLERANCE), float32 add / mul and int8 add / mul with broadcasting
// (exact), over a run-time batch and sequence length.
import { describe, expect, it } from 'vitest';
import { ModelBuilder, encodeModel, makeQuant, runReference, withinFloatTolerance } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';

function model() {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, -2, 4]);
  const z = b.input('z', 'float32', [-1, 1, 4]);
  b.sigmoid(x, { name: 'sig' });
  b.tanh(x, { name: 'tanh' });
  b.exp(x, { name: 'exp' });
  b.add(x, z, {}, { name: 'fadd' });
  b.mul(x, z, {}, { name: 'fmul' });
  const qx = b.quantize(x, { dtype: 'int8', quant: makeQuant({ scale: 0.06, zeroPoint: -3 }) });
  const qz = b.quantize(z, { dtype: 'uint8', quant: makeQuant({ scale: 0.05, zeroPoint: 128 }) });
  b.add(qx, qz, { clamp: [-120, 110] }, { name: 'qadd', dtype: 'int8', quant: makeQuant({ scale: 0.1, zeroPoint: 4 }) });
  b.mul(qz, qx, {}, { name: 'qmul', dtype: 'uint8', quant: makeQuant({ scale: 0.2, zeroPoint: 100 }) });
  b.output('sig', 'tanh', 'exp', 'fadd', 'fmul', 'qadd', 'qmul');
  return b.build();
}

const TOLERANT = new Set(['sig', 'tanh', 'exp']);

describe('elementwise ops in a session', () => {
  it('equal the reference (sigmoid, tanh, exp within the float kernel tolerance; the rest exactly)', async () => {
    const m = model();
    const session = await loadSession(encodeModel(m));
    const r = new Rand(5);
    for (const [batch, seq] of [[1, 1], [2, 3], [3, 7], [1, 40]]) {
      const xs = Float32Array.from({ length: batch * seq * 4 }, () => (r.next() - 0.5) * 16);
      xs[0] = 0;
      const inputs = { x: { data: xs, shape: [batch, seq, 4] }, z: Float32Array.from({ length: batch * 4 }, () => (r.next() - 0.5) * 8) };
      const got = session.run(inputs);
      const want = runReference(m, inputs);
      for (const name of m.outputs) {
        expect(got[name].constructor).toBe(want[name].constructor);
        if (!TOLERANT.has(name)) {
          expect(Array.from(got[name])).toEqual(Array.from(want[name]));
          continue;
        }
        const bad = Array.from(got[name]).filter((g, i) => !withinFloatTolerance(g, want[name][i]));
        expect(bad).toEqual([]);
      }
    }
    session.dispose();
  });
});
