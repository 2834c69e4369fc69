// The IntModel runtime against the IR's reference interpreter, code for code: random models that use
// every op, dtype and geometry the runtime supports, at several batch sizes.
import { describe, expect, it } from 'vitest';
import { encodeModel, runReference, type IntModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { randomModel } from './runtime/random-model.ts';
import { randomRecurrentInputs, randomRecurrentModel } from './runtime/random-recurrent-model.ts';

function inputFor(model: ReturnType<typeof randomModel>, batch: number, r: Rand): Float32Array | Uint8Array {
  const decl = model.values.find((v) => v.name === model.inputs[0]);
  const per = (decl?.shape ?? []).slice(1).reduce((a, d) => a * d, 1);
  return decl?.dtype === 'uint8'
    ? Uint8Array.from({ length: per * batch }, () => r.int(0, 255))
    : Float32Array.from({ length: per * batch }, () => (r.next() - 0.3) * 4);
}

/** The same model with every computed value as a graph output, so each node is compared. */
function everyValueOut(model: IntModel): IntModel {
  return { ...model, outputs: model.values.map((v) => v.name).filter((n) => !model.inputs.includes(n)) };
}

describe('the int runtime computes what the reference interpreter computes', () => {
  for (const input of ['float32', 'uint8'] as const) {
    for (let seed = 1; seed <= 12; seed++) {
      it(`random model ${seed}, ${input} input`, async () => {
        const plain = randomModel(seed + (input === 'uint8' ? 100 : 0), { input });
        // odd seeds: only the real outputs (intermediates freed after their last use); even: all
        const model = seed % 2 ? plain : everyValueOut(plain);
        const session = await loadSession(encodeModel(model));
        const r = new Rand(seed);
        for (const batch of [1, 3]) {
          const x = inputFor(model, batch, r);
          const got = session.run({ image: x });
          const want = runReference(model, { image: x });
          expect(Object.keys(got)).toEqual(model.outputs);
          for (const name of model.outputs) {
            expect(got[name].constructor).toBe(want[name].constructor);
            expect(Array.from(got[name])).toEqual(Array.from(want[name]));
          }
        }
        session.dispose();
      });
    }
  }
});

// Random recurrent models (embedding, lstm, gru, concat; runtime/random-recurrent-model.ts). The
// integer parts are exact; sigmoid and tanh are the f32x4 kernels, within FLOAT_KERNEL_TOLERANCE of
// the reference (docs/numerics.md), which can move a code by one where a value lies next to a rounding
// boundary, and a moved hidden code feeds the later steps (recurrent-runtime.test.ts bounds the same).
// So: every output code for code, except such flips downstream of a recurrent op, counted and bounded:
// by 1 code (int16 cell codes by a few cell quanta; dequantized values by one quantum of their grid),
// in at most 1% of the codes compared, with most models equal everywhere. Measured on Node: 11 of 12
// models equal in every value; seed 12 (a backward uint8 GRU) moved 6 of 144 step outputs by one.
describe('the int runtime computes what the reference interpreter computes: random recurrent models', () => {
  let [compared, flipped, exact] = [0, 0, 0];
  for (let seed = 1; seed <= 12; seed++) {
    it(`random recurrent model ${seed}`, async () => {
      const plain = randomRecurrentModel(seed);
      const model = seed % 2 ? plain : everyValueOut(plain);
      const session = await loadSession(encodeModel(model));
      const r = new Rand(1000 + seed);
      const ops = new Set(model.nodes.map((n) => n.op));
      expect(ops.has('lstm') || ops.has('gru')).toBe(true);
      let moved = 0;
      for (const [batch, steps] of [[1, 1], [3, 7], [2, 12]]) {
        const inputs = randomRecurrentInputs(model, batch, steps, r);
        const got = session.run(inputs as never);
        const want = runReference(model, inputs);
        expect(Object.keys(got)).toEqual(model.outputs);
        for (const name of model.outputs) {
          expect(got[name].constructor).toBe(want[name].constructor);
          const decl = model.values.find((v) => v.name === name);
          const source = model.nodes.find((n) => n.outputs.includes(name));
          // one code, a few int16 cell codes, or one quantum of a dequantized value's grid
          const bound = decl?.dtype === 'int16' ? 8 : decl?.dtype === 'float32' ? 1.0001 * (model.values.find((v) => v.name === source?.inputs[0])?.quant?.scale[0] ?? 0) : 1;
          const [g, w] = [got[name], want[name]];
          for (let i = 0; i < w.length; i++) {
            const d = Math.abs(g[i] - w[i]);
            if (d !== 0) moved++;
            if (d > bound) throw new Error(`${name}[${i}], batch ${batch}, ${steps} steps: runtime ${g[i]}, reference ${w[i]} (more than ${bound} apart)`);
          }
          compared += w.length;
        }
      }
      flipped += moved;
      if (moved === 0) exact++;
      session.dispose();
    });
  }

  it('flips are rare: at most 1% of the codes, and at least 10 of the 12 models equal everywhere', () => {
    console.log(`random recurrent models: ${exact}/12 equal in every value; ${flipped} of ${compared} values moved by a float-kernel flip`);
    expect(flipped).toBeLessThanOrEqual(compared / 100);
    expect(exact).toBeGreaterThanOrEqual(10);
  });

  it('the random recurrent models cover every recurrent op and variant', () => {
    const models = Array.from({ length: 12 }, (_, i) => randomRecurrentModel(i + 1));
    const nodes = models.flatMap((m) => m.nodes);
    expect(['lstm', 'gru', 'embedding', 'concat', 'quantize'].filter((op) => !nodes.some((n) => n.op === op))).toEqual([]);
    expect(nodes.some((n) => (n.op === 'lstm' || n.op === 'gru') && n.attrs.reverse === true)).toBe(true);
    expect(models.some((m) => m.inputs.some((i) => i.startsWith('h0')))).toBe(true);
    expect(models.some((m) => m.inputs.some((i) => i.startsWith('c0')))).toBe(true);
  });
});
