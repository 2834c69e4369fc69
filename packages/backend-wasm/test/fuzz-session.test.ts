// Property-based fuzzing of loadSession (damaged model files, checksum recomputed so the decoder's and
// the runtime's checks behind it see the damage) and IntSession.run (any inputs and options); tools/
// test-utils/src/fuzz.ts. Each case works or throws IntModelError / BackendWasmError; a run that throws
// leaves the session's WASM memory in use as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntModelError, crc32, encodeModel } from '@qatjs/ir';
import { BackendWasmError, loadSession, type IntSession } from '@qatjs/backend-wasm';
import { damagedBytes, fc, fuzz, hostile } from '@qatjs/test-utils/fuzz';
import { randomModel } from './runtime/random-model.ts';

const ours = (e: unknown) => e instanceof IntModelError || e instanceof BackendWasmError;

/** The CRC-32 recomputed (packages/ir/src/format/layout.ts: at [16, 20), over every other byte). */
function seal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length >= 20) new DataView(out.buffer).setUint32(16, crc32(out.subarray(20), crc32(out.subarray(0, 16))), true);
  return out;
}

const floatModel = randomModel(5, { input: 'float32' });
const uint8Model = randomModel(105, { input: 'uint8' });
let session: IntSession;
let perImage: number;
beforeAll(async () => {
  session = await loadSession(floatModel, { initialMemoryBytes: 1 << 20 });
  perImage = session.inputs[0].shape.slice(1).reduce((a, d) => a * d, 1);
});
afterAll(() => session.dispose());

describe('fuzz: loadSession', () => {
  it('every damaged model file loads and runs, or throws IntModelError / BackendWasmError', async () => {
    const files = [encodeModel(floatModel), encodeModel(uint8Model)];
    const hot = Math.max(...files.map((f) => 20 + new DataView(f.buffer).getUint32(12, true)));
    const out = await fuzz(
      'backend-wasm.loadSession',
      damagedBytes(files, hot + 64, 6),
      async (bytes) => {
        const s = await loadSession(seal(bytes), { initialMemoryBytes: 1 << 20 });
        try {
          const info = s.inputs[0];
          const n = info.shape.slice(1).reduce((a, d) => a * d, 1);
          const x = info.dtype === 'float32' ? new Float32Array(2 * n).fill(0.25) : new Uint8Array(2 * n).fill(3);
          s.run({ [info.name]: x });
        } finally {
          s.dispose();
        }
      },
      ours,
    );
    expect(out.report).toBe('');
    expect(out.failures).toBe(0);
  });
});

const values = fc.oneof(
  fc.float({ min: -4, max: 4, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 3e38, -3e38, 1e-45),
);

/** One input value: a typed array of about the right length, a shaped input, or anything. */
function inputValue(): fc.Arbitrary<unknown> {
  const len = fc.record({ batch: fc.integer({ min: 0, max: 3 }), delta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) }) })
    .map(({ batch, delta }) => Math.max(0, batch * perImage + delta));
  const floats = len.chain((n) => fc.array(values, { minLength: n, maxLength: n })).map((a) => Float32Array.from(a));
  const shape = fc.oneof(
    fc.integer({ min: 0, max: 3 }).map((b) => [b, ...session.inputs[0].shape.slice(1)]),
    fc.array(fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(1.5, Number.NaN, 2 ** 31)), { maxLength: 5 }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: floats },
    { weight: 1, arbitrary: len.map((n) => new Int8Array(n)) },
    { weight: 1, arbitrary: len.map((n) => new Uint8Array(n)) },
    { weight: 1, arbitrary: len.map((n) => new Float64Array(n)) },
    { weight: 1, arbitrary: len.map((n) => Array.from({ length: n }, () => 0.5)) },
    { weight: 2, arbitrary: fc.record({ data: floats, shape }) },
    { weight: 1, arbitrary: fc.record({ data: hostile(), shape: fc.oneof(shape, hostile()) }) },
    { weight: 1, arbitrary: hostile() },
  );
}

describe('fuzz: IntSession.run', () => {
  it('every input works or throws BackendWasmError / IntModelError, and a failed run frees what it took', async () => {
    const input = fc.record({
      names: fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant('image') }, { weight: 1, arbitrary: fc.constantFrom('x', '__proto__', 'constructor', 'logits', '') }), { minLength: 0, maxLength: 2 }),
      values: fc.array(inputValue(), { minLength: 2, maxLength: 2 }),
      options: fc.option(fc.oneof(fc.record({ batch: fc.oneof(fc.integer({ min: 0, max: 3 }), hostile()) }), hostile()), { nil: undefined, freq: 3 }),
      whole: fc.option(hostile(), { nil: undefined, freq: 20 }),
    });
    const out = await fuzz(
      'backend-wasm.IntSession.run',
      input,
      ({ names, values, options, whole }) => {
        const inputs: Record<string, unknown> = {};
        names.forEach((n, i) => Object.defineProperty(inputs, n, { value: values[i], enumerable: true, configurable: true, writable: true }));
        const before = session.memoryBytes;
        try {
          const outs = session.run((whole ?? inputs) as never, options as never);
          for (const o of Object.values(outs)) if (!(o instanceof Float32Array || o instanceof Int8Array || o instanceof Uint8Array)) throw new Error('an output is not a typed array');
        } catch (e) {
          if (session.memoryBytes !== before) throw new Error(`a failed run left ${session.memoryBytes - before} bytes in use (${String(e)})`);
          throw e;
        }
      },
      ours,
    );
    expect(out.report).toBe('');
    expect(out.failures).toBe(0);
  });
});
