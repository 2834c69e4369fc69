// The embedded binaries load on every runtime (Node, Deno, Bun run this same file), and the
// relaxed-SIMD known-answer check reports what the runtime really does.
import { describe, expect, it } from 'vitest';
import { createKernels, detectRelaxedSimd, relaxedDotKnownAnswers, relaxedSimdByDefault } from '@qatjs/backend-wasm';

const runtime = (globalThis as { Deno?: unknown; Bun?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';

describe('loading the embedded kernels', () => {
  it(`instantiates the SIMD128 module from its base64 module on ${runtime}`, async () => {
    const k = await createKernels();
    expect(k.features.simd128).toBe(true);
    const x = k.tensor('int8', [1, 2], [3, -4]);
    const y = k.tensor('int32', [1, 1]);
    k.createGemm({ k: 2, n: 1, weights: Int8Array.of(5, 6), input: { scale: 1, zeroPoint: 1 }, weight: { scale: 1 }, output: 'int32' }).run(x, y);
    expect(y.read()[0]).toBe((3 - 1) * 5 + (-4 - 1) * 6);
  });

  it('two instances have separate memories', async () => {
    const a = await createKernels();
    const b = await createKernels();
    expect(a.memory).not.toBe(b.memory);
    const t = a.tensor('int8', [1, 1]);
    const g = b.createGemm({ k: 1, n: 1, weights: Int8Array.of(1), input: { scale: 1, zeroPoint: 0 }, weight: { scale: 1 }, output: 'int32' });
    expect(() => g.run(t, b.tensor('int32', [1, 1]))).toThrow(/belongs to another kernels instance/);
  });
});

describe('relaxed SIMD known-answer check', () => {
  it('known answers are the exact dot products', () => {
    for (const k of relaxedDotKnownAnswers()) {
      for (let l = 0; l < 4; l++) {
        let s = k.c[l];
        for (let j = 0; j < 4; j++) {
          expect(k.b[4 * l + j]).toBeGreaterThanOrEqual(0); // the i7 operand stays in [0, 127]
          s += k.a[4 * l + j] * k.b[4 * l + j];
        }
        expect(k.expected[l]).toBe(s);
      }
    }
  });

  it(`reports what ${runtime} does`, async () => {
    const s = await detectRelaxedSimd();
    expect(s.passed).toBe(s.supported && /all \d+ known answers/.test(s.detail));
    if (runtime === 'deno' || runtime === 'bun') {
      // Deno 2.9 and Bun 1.4 ship relaxed SIMD on, and correct (measured).
      expect(s).toMatchObject({ supported: true, passed: true });
    } else {
      // Node 20 (V8 11.3) keeps relaxed SIMD behind a flag, and wrong behind it.
      const flagged = ((globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? []).some((a) => a.includes('relaxed-simd'));
      const major = Number((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node?.split('.')[0]);
      if (major === 20 && !flagged) expect(s.supported).toBe(false);
    }
    // on by default where it passed, except where it measured slower (Bun on x64); false forces it off
    expect((await createKernels()).features.relaxedSimd).toEqual({ ...s, used: relaxedSimdByDefault(s) });
    expect(relaxedSimdByDefault(s)).toBe(s.passed && !(runtime === 'bun' && (globalThis as { process?: { arch?: string } }).process?.arch === 'x64'));
    expect((await createKernels({ relaxedSimd: false })).features.relaxedSimd).toEqual({ ...s, used: false });
    expect((await createKernels({ relaxedSimd: true })).features.relaxedSimd).toEqual({ ...s, used: s.passed });
  });
});
