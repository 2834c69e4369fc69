import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { recurrentInputs, recurrentModel, type RecurrentModelCase } from './recurrent-model.ts';

// lstm and gru on the int runtime against runReference. The integer parts (GEMMs, requantization,
// clamps, the divisions) are exact; sigmoid and tanh are the f32x4 kernels, within 4 ulp or 1e-7 of
// the reference, which can move a code by one where a value lies next to a rounding boundary. So:
// codes equal except such flips, counted and bounded here: at most 1 in 1000 codes, hidden codes by
// at most 1 quantum; a hidden flip feeds the later steps, so the (much finer, int16) cell codes may
// move by a few cell quanta (measured on the e2e-rnn LSTM, H 256, B 64, T 28: 69 of 458,752 y codes
// by 1, 166 of 16,384 cT codes by up to 5). The small runs below see none.

interface Diff { readonly count: number; readonly total: number; readonly max: number }

function diff(got: ArrayLike<number>, want: ArrayLike<number>): Diff {
  expect(got.length).toBe(want.length);
  let count = 0;
  let max = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d !== 0) count++;
    max = Math.max(max, d);
  }
  return { count, total: want.length, max };
}

const cases: Array<[string, RecurrentModelCase]> = [
  ['int8 per-channel weights, H = 6 (padded to 8)', { op: 'lstm', inputSize: 7, hidden: 6 }],
  ['int4 per-tensor weights, per-channel gates, H = 5', { op: 'lstm', inputSize: 9, hidden: 5, weights: 'int4', perChannel: false, perChannelGates: true }],
  ['uint8 x and h, h0/c0 given, reverse', { op: 'lstm', inputSize: 12, hidden: 16, uint8: true, state: true, reverse: true }],
  ['H = 32, I = 28 (seqMNIST-shaped)', { op: 'lstm', inputSize: 28, hidden: 32 }],
];

for (const op of ['lstm', 'gru'] as const) {
  describe(`${op} on the int runtime`, () => {
    cases.forEach(([what, c], i) => {
      it(`${what}: equals the reference but for float-tolerance flips, at several batch sizes and lengths (one session)`, async () => {
        const model = recurrentModel({ ...c, op }, 10 + i);
        const session = await loadSession(model);
        let flips = 0;
        let total = 0;
        for (const [batch, steps] of [[3, 9], [1, 2], [5, 20], [3, 9]]) {
          const inputs = recurrentInputs(model, batch, steps, 100 * i + batch + steps);
          const got = session.run(inputs);
          const want = runReference(model, inputs);
          for (const name of model.outputs) {
            const d = diff(got[name], want[name]);
            expect(d.max).toBeLessThanOrEqual(name === 'cT' ? 8 : 1);
            flips += d.count;
            total += d.total;
          }
          expect(new Set(Array.from(want.y)).size).toBeGreaterThan(3);
        }
        expect(flips).toBeLessThanOrEqual(total / 1000);
        session.dispose();
      });
    });

    it('refuses T > maxSteps at run time, naming both; reuses its buffers across runs', async () => {
      const model = recurrentModel({ op, inputSize: 4, hidden: 8, maxSteps: 10 }, 3);
      const session = await loadSession(model);
      expect(() => session.run(recurrentInputs(model, 2, 11, 1))).toThrow(/T = 11 steps, more than maxSteps = 10/);
      session.run(recurrentInputs(model, 2, 5, 9));
      session.run(recurrentInputs(model, 4, 10, 1));
      const bytes = session.memoryBytes;
      for (let k = 0; k < 3; k++) {
        session.run(recurrentInputs(model, 4, 10, 2 + k));
        session.run(recurrentInputs(model, 2, 5, 5 + k));
      }
      expect(session.memoryBytes).toBe(bytes);
      session.dispose();
    });
  });
}

describe('concat on the int runtime', () => {
  it('equals the reference (a bidirectional layer joins its two directions on the last axis)', async () => {
    const b = new ModelBuilder();
    const q = makeQuant({ scale: 0.1, zeroPoint: 100 });
    const f = b.input('f', 'uint8', [-1, -2, 3], q);
    const r = b.input('r', 'uint8', [-1, -2, 5], q);
    b.output(b.concat([f, r], 2, { name: 'y' }));
    const model = b.build();
    const session = await loadSession(model);
    const inputs = { f: { data: Uint8Array.from({ length: 12 }, (_, i) => i * 7), shape: [2, 2, 3] }, r: { data: Uint8Array.from({ length: 20 }, (_, i) => 255 - i), shape: [2, 2, 5] } };
    const got = session.run(inputs).y;
    expect(got).toBeInstanceOf(Uint8Array);
    expect(Array.from(got)).toEqual(Array.from(runReference(model, inputs).y));
    expect(Array.from(got.slice(0, 8))).toEqual([0, 7, 14, 255, 254, 253, 252, 251]);
    session.dispose();
  });
});
