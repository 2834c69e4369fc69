// Must show (issue 13): qat train, then qat eval and qat convert, on an IDX data set other than MNIST
// passed by path, with no code change: FP32 and QAT W8A8 / W4A4 accuracy, and the int model's
// accuracy equal to the fake-quant model's.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { qat, tempDir, writeDigitsIdx } from './helpers.ts';

describe('qat on an IDX data set passed by path (sklearn digits as IDX files)', () => {
  it('trains FP32, then QAT W8A8 and W4A4 from it, converts, and the int runtime equals fake-quant', async () => {
    const dir = await tempDir();
    const data = `idx:${(await writeDigitsIdx(dir)).join(',')}`;
    const fp32 = await qat('train', '--model', 'residual-cnn', '--data', data, '--epochs', '4', '--out', join(dir, 'fp32'), '--json');
    expect(fp32.err).not.toContain('qat:');
    expect(fp32.code).toBe(0);
    const f = JSON.parse(fp32.out);
    console.log(`digits (IDX) residual-cnn FP32: ${f.accuracy.toFixed(2)}%`);
    expect(f.accuracy).toBeGreaterThan(80);
    for (const recipe of ['w8a8', 'w4a4']) {
      const out = join(dir, recipe);
      const t = await qat('train', '--model', 'residual-cnn', '--data', data, '--recipe', recipe, '--from', join(dir, 'fp32'), '--epochs', '2', '--lr', '0.001', '--out', out);
      expect(t.code).toBe(0);
      expect(t.out).toMatch(new RegExp(`QAT ${recipe} residual-cnn on idx:.*PTQ accuracy [\\d.]+%, test accuracy [\\d.]+% \\(fake-quant\\)`));
      const fake = JSON.parse((await qat('eval', out, '--json')).out);
      const c = await qat('convert', out, '--format', 'int8');
      expect(c.code).toBe(0);
      expect(c.out).toContain(`wrote ${join(out, 'model.qir')} (int8,`);
      const e = await qat('eval', join(out, 'model.qir'), '--json');
      expect(e.code).toBe(0);
      const int = JSON.parse(e.out);
      console.log(`digits (IDX) residual-cnn QAT ${recipe}: fake-quant ${fake.accuracy.toFixed(2)}%, int runtime ${int.accuracy.toFixed(2)}%, same argmax ${int.agreement.toFixed(2)}%`);
      expect(int.samples).toBe(360);
      expect(int.fakeQuantAccuracy).toBe(fake.accuracy);
      expect(int.accuracy).toBe(fake.accuracy);
      expect(fake.accuracy).toBeGreaterThan(recipe === 'w8a8' ? 80 : 50);
    }
    const inspect = await qat('inspect', join(dir, 'w4a4', 'model.qir'));
    expect(inspect.code).toBe(0);
    expect(inspect.out).toMatch(/stem\.output\s+conv2d\s+4\s+int4, per-channel \(axis 3\), symmetric/);
    const bench = JSON.parse((await qat('bench', join(dir, 'w8a8', 'model.qir'), '--runs', '3', '--batch', '8', '--json')).out);
    expect(bench.int8Ms).toBeGreaterThan(0);
    expect(bench.fp32Ms).toBeGreaterThan(0);
  });
});
