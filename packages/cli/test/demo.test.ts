// The README's first command runs qat demo; this runs its --quick form end to end (Node only: the
// same code runs under Bun and Deno in the other tests, and a minute per runtime is too long for CI).
import { describe, expect, it } from 'vitest';
import { qat } from './helpers.ts';

const node = (process.env.QATJS_TEST_RUNTIME ?? 'node') === 'node';
// registered on Node only (the Deno shim of vitest has no skipIf)
const itOnNode = node ? it : () => {};

describe('qat demo --quick', () => {
  itOnNode('trains, quantizes, converts and runs the int model; the int runtime equals fake-quant', async () => {
    const r = await qat('demo', '--quick', '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    console.log(`qat demo --quick: ${JSON.stringify(d)}`);
    expect(d.trainSamples).toBe(4000);
    expect(d.accuracy.fp32).toBeGreaterThan(85);
    expect(d.accuracy.ptqW8a8).toBeGreaterThan(85);
    expect(d.accuracy.qatFakeQuant).toBeGreaterThan(85);
    expect(d.accuracy.qatIntRuntime).toBe(d.accuracy.qatFakeQuant);
    expect(d.agreement).toBeGreaterThan(99.5);
    expect(d.bytes.int8 * 3).toBeLessThan(d.bytes.fp32);
    expect(d.latencyMs.int8).toBeGreaterThan(0);
    expect(d.latencyMs.fp32TfjsWasm).toBeGreaterThan(0);
  });

  it('prints the table', async () => {
    const { printDemo } = await import('../src/commands/demo.ts');
    let out = '';
    printDemo(
      { quick: true, trainSamples: 10, testSamples: 5, accuracy: { fp32: 90, ptqW8a8: 89.5, ptqW4a4: 80, qatFakeQuant: 91, qatIntRuntime: 91 }, agreement: 100, bytes: { fp32: 4000, int8: 1000 }, latencyMs: { batch: 64, fp32TfjsWasm: 3, int8: 1.5 }, seconds: 2 },
      { out: (t) => void (out += t), err: () => {}, isTTY: false },
    );
    expect(out).toContain('QAT w8a8, int8 runtime (WASM SIMD)          91.00%          1000            1.50 ms');
    expect(out).toContain('int8 vs FP32: 4.0x smaller, 2.0x faster');
  });
});
