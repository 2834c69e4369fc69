// The session API a deployer uses: input checks with clear errors, outputs, memory that does not
// grow across runs, dispose, and files that are corrupt or hostile (rejected, never a crash).
import { beforeAll, describe, expect, it } from 'vitest';
import { IntModelError, crc32, encodeModel, runReference, type IntModel } from '@qatjs/ir';
import { BackendWasmError, loadSession, type IntSession } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { randomModel } from './runtime/random-model.ts';

let floatModel: IntModel;
let uint8Model: IntModel;
let session: IntSession;
let perImage: number;

beforeAll(async () => {
  floatModel = randomModel(5, { input: 'float32' });
  uint8Model = randomModel(105, { input: 'uint8' });
  session = await loadSession(floatModel);
  perImage = session.inputs[0].shape.slice(1).reduce((a, d) => a * d, 1);
});

const images = (n: number, seed = 1) => {
  const r = new Rand(seed);
  return Float32Array.from({ length: n * perImage }, () => r.next() * 2 - 0.5);
};

describe('loadSession and run', () => {
  it('describes its inputs and outputs', () => {
    expect(session.inputs.map((v) => [v.name, v.dtype, v.shape])).toEqual([['image', 'float32', floatModel.values.find((v) => v.name === 'image')?.shape]]);
    expect(session.outputs.map((v) => v.name)).toEqual(floatModel.outputs);
    expect(session.outputs[0].dtype).toBe('float32');
    expect(session.outputs[1].quant?.scale).toBeGreaterThan(0);
  });

  it('takes the batch from the input length; options.batch must agree', () => {
    const out = session.run({ image: images(4) }, { batch: 4 });
    expect(out.logits.length).toBe(4 * 4);
    expect(() => session.run({ image: images(4) }, { batch: 3 })).toThrow(/holds a batch of 4, but options.batch says 3/);
    expect(() => session.run({ image: images(1) }, { batch: 0 })).toThrow(/batch must be a positive integer/);
  });

  it('rejects bad inputs with an error that names the problem', () => {
    expect(() => session.run({})).toThrow(/missing input 'image'/);
    expect(() => session.run({ image: images(1), other: images(1) } as never)).toThrow(/no input named 'other'/);
    expect(() => session.run({ image: Array.from(images(1)) } as never)).toThrow(/must be a typed array/);
    expect(() => session.run({ image: new Uint8Array(perImage) })).toThrow(/is float32: give a Float32Array, got Uint8Array/);
    expect(() => session.run({ image: images(1).subarray(1) })).toThrow(/not a positive multiple of/);
    const nan = images(1);
    nan[7] = Number.NaN;
    expect(() => session.run({ image: nan })).toThrow(/input 'image' element 7 is NaN: inputs must be finite/);
    expect(() => session.run(images(1) as never)).toThrow(/inputs must be an object of typed arrays/);
    expect(() => session.run(null as never)).toThrow(BackendWasmError);
  });

  it('a uint8 input takes raw codes or reals (quantized as the IR quantize op does)', async () => {
    const s = await loadSession(uint8Model);
    const n = s.inputs[0].shape.slice(1).reduce((a, d) => a * d, 1);
    const r = new Rand(3);
    const codes = Uint8Array.from({ length: 2 * n }, () => r.int(0, 255));
    const reals = Float32Array.from(codes, (c) => c / 255);
    const fromCodes = s.run({ image: codes });
    const fromReals = s.run({ image: reals });
    expect(Array.from(fromReals.logits)).toEqual(Array.from(fromCodes.logits));
    expect(Array.from(fromCodes.logits)).toEqual(Array.from(runReference(uint8Model, { image: codes }).logits));
    expect(() => s.run({ image: new Int8Array(n) })).toThrow(/is uint8: give a Float32Array of reals or a Uint8Array of codes, got Int8Array/);
    s.dispose();
  });

  it('frees every intermediate tensor: memory in use is the same after each run', () => {
    session.run({ image: images(8) });
    const before = session.memoryBytes;
    for (let i = 0; i < 30; i++) session.run({ image: images(8, i) });
    expect(session.memoryBytes).toBe(before);
    // a failing run frees what it allocated too
    expect(() => session.run({ image: images(1).subarray(1) })).toThrow();
    expect(session.memoryBytes).toBe(before);
  });

  it('describes any bad value in its errors, also one String() cannot print (found by test/fuzz-session.test.ts)', () => {
    const noProto = Object.create(null) as object;
    expect(() => session.run({ image: images(1) }, { batch: noProto as never })).toThrow(BackendWasmError);
    expect(() => session.run({ image: images(1) }, { batch: noProto as never })).toThrow(/batch must be a positive integer, got an object that has no text form/);
    expect(() => session.run({ image: { data: images(1), shape: [noProto] } } as never)).toThrow(BackendWasmError);
  });

  it('refuses to run once disposed; dispose is idempotent', async () => {
    const s = await loadSession(encodeModel(floatModel));
    s.dispose();
    s.dispose();
    expect(() => s.run({ image: images(1) })).toThrow(/the session was disposed/);
  });

  it('rejects what is not a model', async () => {
    await expect(loadSession(null as never)).rejects.toThrow(/give the model file's bytes/);
    await expect(loadSession(new Uint8Array(10))).rejects.toThrow(IntModelError);
    await expect(loadSession({ ...floatModel, nodes: [{ ...floatModel.nodes[0], op: 'softmax' }] } as never)).rejects.toThrow(IntModelError);
  });
});

// The file layout (packages/ir/src/format/layout.ts): the header starts at byte 20, after the CRC-32
// at [16, 20), which covers every other byte.
const HEADER_AT = 20;

/** A copy with the CRC-32 recomputed, so damage gets past the checksum to the checks behind it. */
function seal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length >= HEADER_AT) new DataView(out.buffer).setUint32(16, crc32(out.subarray(20), crc32(out.subarray(0, 16))), true);
  return out;
}

/** Flips, overwrites, truncates or splices bytes of a model file. */
function mutate(bytes: Uint8Array, r: Rand): Uint8Array {
  const out = bytes.slice();
  switch (r.int(0, 4)) {
    case 0: // flip bits anywhere
      for (let i = r.int(1, 4); i > 0; i--) out[r.int(0, out.length - 1)] ^= 1 << r.int(0, 7);
      return out;
    case 1: // overwrite a byte in the JSON header (field names, numbers, brackets)
      out[r.int(HEADER_AT, Math.min(out.length - 1, HEADER_AT + new DataView(out.buffer).getUint32(12, true)))] = r.pick([0x30, 0x39, 0x2d, 0x22, 0x7d, 0x5d, 0x2c, 0x00, 0xff]);
      return out;
    case 2: // truncate
      return out.subarray(0, r.int(0, out.length - 1));
    case 3: // damage the data section (weights, biases, scales)
      for (let i = r.int(1, 16); i > 0; i--) out[r.int(Math.floor(out.length / 2), out.length - 1)] = r.int(0, 255);
      return out;
    default: // a digit of a number in the header changed (shapes, offsets, attrs)
      {
        const len = new DataView(out.buffer).getUint32(12, true);
        const digits: number[] = [];
        for (let i = HEADER_AT; i < HEADER_AT + len && i < out.length; i++) if (out[i] >= 0x30 && out[i] <= 0x39) digits.push(i);
        if (digits.length) out[r.pick(digits)] = 0x30 + r.int(0, 9);
      }
      return out;
  }
}

describe('hostile model files', () => {
  it('2,000 random mutations of a real model file: refused by the checksum; resealed, each loads and runs or is rejected with a clear error', async () => {
    const file = encodeModel(floatModel);
    const r = new Rand(77);
    let loaded = 0;
    for (let i = 0; i < 2000; i++) {
      const damaged = mutate(file, r);
      // as damaged, its checksum unchanged: refused whenever a byte changed
      if (damaged.length !== file.length || damaged.some((b, j) => b !== file[j])) {
        const err = await loadSession(damaged, { initialMemoryBytes: 1 << 20 }).then(() => undefined, (e: unknown) => e);
        if (!(err instanceof IntModelError)) throw new Error(`mutation ${i}: a damaged file with its old checksum gave ${String(err)}`);
      }
      // its checksum recomputed: the decoder's and the runtime's own checks see the damage
      const bytes = seal(damaged);
      let s: IntSession | undefined;
      try {
        s = await loadSession(bytes, { initialMemoryBytes: 1 << 20 });
        loaded++;
        const x = images(2, i);
        const out = s.run({ image: x });
        // a resealed file can be another valid model (a tensor index of the header changed): it gives the outputs it declares
        for (const o of s.outputs) expect(out[o.name]).toBeDefined();
      } catch (e) {
        if (!(e instanceof IntModelError || e instanceof BackendWasmError)) throw new Error(`mutation ${i}: unexpected ${String(e)}`);
      } finally {
        s?.dispose();
      }
    }
    // the mutations must reach the runtime too, not only the decoder
    expect(loaded).toBeGreaterThan(100);
  });
});
