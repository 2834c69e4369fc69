import { describe, expect, it } from 'vitest';
import { FLOAT_REDUCTION_TOLERANCE, ModelBuilder, makeQuant, runReference, withinFloatTolerance, type IntModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { randomNormal } from '@qatjs/test-utils';

// The transformer ops' runtime kernels against @qatjs/ir's references: layerNorm and softmax within
// FLOAT_REDUCTION_TOLERANCE, gelu within FLOAT_KERNEL_TOLERANCE (its f32x4 kernel), transpose and
// positionalAdd code for code.
const q = (scale: number, zeroPoint = 0) => makeQuant({ scale, zeroPoint, bits: 8 });

async function both(model: IntModel, inputs: Record<string, Float32Array | Int8Array>) {
  const ref = runReference(model, inputs);
  const session = await loadSession(model);
  try {
    return { ref, run: session.run(inputs) };
  } finally {
    session.dispose();
  }
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return w;
}

describe('transformer ops on the runtime', () => {
  it('layerNorm, softmax (causal, scaled) and gelu follow their references', async () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 5, 8]);
    const g = b.constant({ name: 'g', dtype: 'float32', shape: [8], data: Float32Array.from(randomNormal(8, 2)) });
    const be = b.constant({ name: 'b', dtype: 'float32', shape: [8], data: Float32Array.from(randomNormal(8, 3)) });
    const ln = b.node('layerNorm', [x, g, be], { eps: 1e-5 }, [{ name: 'ln' }])[0];
    const s = b.input('s', 'float32', [-1, 2, 5, 5]);
    const sm = b.node('softmax', [s], { scale: 0.3, causal: true }, [{ name: 'sm' }])[0];
    const ge = b.node('gelu', [x], {}, [{ name: 'ge' }])[0];
    b.output(ln, sm, ge);
    const model = b.build();
    const inputs = { x: Float32Array.from(randomNormal(3 * 40, 4), (v) => 3 * v), s: Float32Array.from(randomNormal(3 * 50, 5), (v) => 4 * v) };
    const { ref, run } = await both(model, inputs);
    expect(worstRelative(run.ln, ref.ln)).toBeLessThanOrEqual(FLOAT_REDUCTION_TOLERANCE.relative);
    expect(worstRelative(run.sm, ref.sm)).toBeLessThanOrEqual(FLOAT_REDUCTION_TOLERANCE.relative);
    expect(Array.from(run.ge).every((v, i) => withinFloatTolerance(v, ref.ge[i]))).toBe(true);
    // the causal mask: row 0 of each 5x5 block sees one column
    expect(Array.from(run.sm.slice(0, 5))).toEqual([1, 0, 0, 0, 0]);
  });

  it('transpose and positionalAdd are code for code the references', async () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 4, 6], q(0.05, 3));
    const p = b.constant({ name: 'P', dtype: 'int8', shape: [5, 6], quant: { ...q(0.1), scale: Float32Array.of(0.1, 0.02, 0.3, 0.05, 0.07), zeroPoint: new Int32Array(5), axis: 0 }, data: Int8Array.from(randomNormal(30, 6), (v) => Math.round(40 * v)) });
    const y = b.node('positionalAdd', [x, p], {}, [{ name: 'y', dtype: 'int8', quant: q(0.08, -5) }])[0];
    const r = b.reshape(y, [-1, 4, 2, 3], { name: 'r' });
    const t = b.node('transpose', [r], { perm: [0, 2, 1, 3] }, [{ name: 't' }])[0];
    b.output(y, t);
    const xs = Int8Array.from(randomNormal(2 * 24, 7), (v) => Math.max(-128, Math.min(127, Math.round(50 * v))));
    const { ref, run } = await both(b.build(), { x: xs });
    expect(Array.from(run.y)).toEqual(Array.from(ref.y));
    expect(Array.from(run.t)).toEqual(Array.from(ref.t));
    expect(new Set(run.y).size).toBeGreaterThan(10);
  });
});
