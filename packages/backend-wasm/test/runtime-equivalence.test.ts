// The IntModel runtime against the IR's reference interpreter, code for code: random models that use
// every op, dtype and geometry the runtime supports, at several batch sizes.
import { describe, expect, it } from 'vitest';
import { encodeModel, runReference, type IntModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { randomModel } from './runtime/random-model.ts';

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
