// loadSession(bytes, { threads }): the GEMMs and fused convolutions split over the main thread and
// workers on one shared memory give the one-thread outputs bit for bit, on the plain SIMD128 kernels
// and on the relaxed-SIMD ones (where the runtime has them). threadMinMacs: 0 splits every call,
// however small, so the random models (every op, dtype and geometry) take the row, column, pixel and
// element-range paths. The split counts say which kernels were divided: a kernel the splitter
// bypasses (runs on the main thread alone) fails these tests.
import { describe, expect, it } from 'vitest';
import { encodeModel, type IntModel } from '@qatjs/ir';
import { BackendWasmError, loadSession, type IntSession, type SessionOutput } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { randomModel } from './runtime/random-model.ts';
import { recurrentInputs, recurrentModel } from './recurrent-model.ts';

function inputFor(model: IntModel, batch: number, r: Rand): Float32Array | Uint8Array {
  const decl = model.values.find((v) => v.name === model.inputs[0]);
  const per = (decl?.shape ?? []).slice(1).reduce((a, d) => a * d, 1);
  return decl?.dtype === 'uint8'
    ? Uint8Array.from({ length: per * batch }, () => r.int(0, 255))
    : Float32Array.from({ length: per * batch }, () => (r.next() - 0.3) * 4);
}

function expectSame(got: Record<string, SessionOutput>, want: Record<string, SessionOutput>): void {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const name of Object.keys(want)) {
    expect(got[name].constructor).toBe(want[name].constructor);
    expect(Array.from(got[name])).toEqual(Array.from(want[name]));
  }
}

/** Adds a session's split counts into `into`, by kernel. */
function addSplits(into: Record<string, number>, s: IntSession): void {
  for (const [kernel, n] of Object.entries(s.splitKernels)) into[kernel] = (into[kernel] ?? 0) + n;
}

describe('threads: 2 and 3 compute what threads: 1 computes, bit for bit', () => {
  for (const relaxedSimd of [false, true]) {
    for (const threads of [2, 3]) {
      it(`random models (every op), threads: ${threads}, batch 1, 5 and 16${relaxedSimd ? ', relaxed SIMD where the runtime has it' : ''}`, async () => {
        const splits: Record<string, number> = {};
        let relaxedUsed = false;
        for (let seed = 1; seed <= 6; seed++) {
          // Odd seeds: full-range int8 weights (dot16, or rdot for int4 / int2); even: narrow int8 (rdot2).
          const model = randomModel(seed + (relaxedSimd ? 50 : 0), { input: seed % 2 ? 'float32' : 'uint8', narrowInt8: seed % 2 === 0 });
          const bytes = encodeModel(model);
          const one = await loadSession(bytes, { relaxedSimd });
          const many = await loadSession(bytes, { relaxedSimd, threads, threadMinMacs: 0 });
          expect(one.threads).toBe(1);
          expect(many.threads).toBe(threads);
          // Threads run the kernels one thread runs: relaxed where asked for and the runtime passes the check.
          expect(many.features.relaxedSimd.used).toBe(one.features.relaxedSimd.used);
          expect(one.features.relaxedSimd.used).toBe(relaxedSimd && one.features.relaxedSimd.passed);
          relaxedUsed = one.features.relaxedSimd.used;
          const r = new Rand(seed);
          for (const batch of [1, 5, 16]) {
            const x = inputFor(model, batch, r);
            expectSame(many.run({ image: x }), one.run({ image: x }));
          }
          addSplits(splits, many);
          one.dispose();
          many.dispose();
        }
        // Every GEMM kernel in use and the fused conv kernel of the path were divided.
        if (relaxedUsed) {
          expect(splits.gemm_s8s7_rdot).toBeGreaterThan(0);
          expect(splits.gemm_s8s8_rdot2).toBeGreaterThan(0);
          expect(splits.conv2d_s8s8_nhwc_rdot).toBeGreaterThan(0);
        } else {
          expect(splits.conv2d_s8s8_nhwc_dot16).toBeGreaterThan(0);
        }
        expect(splits.gemm_s8s8_dot16).toBeGreaterThan(0);
        // And the memory-bound calls between them.
        for (const k of ['quantize_f32_s8_fp32', 'add_s8s8_fp32', 'maxpool2d_s8_nhwc']) expect({ [k]: splits[k] ?? 0 }).not.toEqual({ [k]: 0 });
      });
    }
  }

  it('three threads, and the default threshold (only large GEMMs split)', async () => {
    const model = randomModel(7, { input: 'float32' });
    const bytes = encodeModel(model);
    const one = await loadSession(bytes);
    const three = await loadSession(bytes, { threads: 3, threadMinMacs: 0 });
    const dflt = await loadSession(bytes, { threads: 2 });
    const r = new Rand(7);
    for (const batch of [2, 9]) {
      const x = inputFor(model, batch, r);
      const want = one.run({ image: x });
      expectSame(three.run({ image: x }), want);
      expectSame(dflt.run({ image: x }), want);
    }
    expect(three.splitGemms).toBeGreaterThan(0);
    for (const s of [one, three, dflt]) s.dispose();
  });

  for (const op of ['lstm', 'gru'] as const) {
    for (const relaxedSimd of [false, true]) {
      it(`${op}: the per-step GEMMs split by batch rows${relaxedSimd ? ', relaxed SIMD where the runtime has it (rdot2: narrow int8 weights)' : ''}`, async () => {
        const model = recurrentModel({ op, inputSize: 12, hidden: 20, state: true }, 3);
        const one = await loadSession(model, { relaxedSimd });
        const two = await loadSession(model, { relaxedSimd, threads: 2, threadMinMacs: 0 });
        for (const batch of [1, 12]) {
          const inputs = recurrentInputs(model, batch, 5, batch);
          expectSame(two.run(inputs), one.run(inputs));
        }
        expect(two.splitKernels[one.features.relaxedSimd.used ? 'gemm_s8s8_rdot2' : 'gemm_s8s8_dot16']).toBeGreaterThan(0);
        one.dispose();
        two.dispose();
      });
    }
  }

  it('a conv on the fused kernel splits by output pixels, batch 1 included, each worker packing into its own buffers', async () => {
    // randomModel's first conv runs on conv2d_s8s8_nhwc_dot16 with relaxedSimd: false; at batch 1 the
    // pixels of one image are divided (no whole images to hand out).
    const model = randomModel(11, { input: 'float32' });
    const bytes = encodeModel(model);
    const one = await loadSession(bytes, { relaxedSimd: false });
    const three = await loadSession(bytes, { relaxedSimd: false, threads: 3, threadMinMacs: 0 });
    const r = new Rand(11);
    const x = inputFor(model, 1, r);
    expectSame(three.run({ image: x }), one.run({ image: x }));
    expect(three.splitKernels.conv2d_s8s8_nhwc_dot16).toBeGreaterThan(0);
    one.dispose();
    three.dispose();
  });
});

describe('threads: the option and the workers', () => {
  it('rejects a thread count that is not an integer from 1 to 64, and a bad threadMinMacs', async () => {
    const bytes = encodeModel(randomModel(1, { input: 'float32' }));
    for (const threads of [0, -1, 1.5, 65, Number.NaN, '2', null]) {
      await expect(loadSession(bytes, { threads: threads as number })).rejects.toThrow(/threads must be an integer from 1 \(no workers\) to 64/);
    }
    await expect(loadSession(bytes, { threads: 2, threadMinMacs: -1 })).rejects.toThrow(BackendWasmError);
  });

  it('starts its workers when a library has replaced globalThis.Worker with node:worker_threads\' (onnxruntime-web on Bun)', async () => {
    const g = globalThis as { Worker?: unknown };
    const before = g.Worker;
    g.Worker = (await import('node:worker_threads')).Worker;
    try {
      const model = randomModel(3, { input: 'uint8' });
      const input = inputFor(model, 4, new Rand(2));
      const s = await loadSession(encodeModel(model), { threads: 2, threadMinMacs: 0 });
      const one = await loadSession(encodeModel(model));
      expectSame(s.run({ image: input }), one.run({ image: input }));
      s.dispose();
      one.dispose();
    } finally {
      g.Worker = before;
    }
  });

  it('dispose() stops the workers; run() afterwards throws; dispose is idempotent', async () => {
    const model = randomModel(2, { input: 'uint8' });
    const s = await loadSession(encodeModel(model), { threads: 2, threadMinMacs: 0 });
    s.run({ image: inputFor(model, 4, new Rand(1)) });
    s.dispose();
    s.dispose();
    expect(() => s.run({ image: inputFor(model, 4, new Rand(1)) })).toThrow(/disposed/);
  });
});
