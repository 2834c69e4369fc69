// Issue 13 with the RNN adapter and ONNX: qat train --model lstm|gru on MNIST read row by row (28 steps
// of 28 pixels) and on an IDX data set passed by path; eval, convert --format int8 (the int runtime
// equals fake-quant) and --format onnx (onnxruntime's argmax equals the int runtime's).
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { loadSession } from '@qatjs/backend-wasm';
import { loadMnist } from '@qatjs/datasets';
import { qat, tempDir, writeDigitsIdx } from './helpers.ts';

ort.env.wasm.numThreads = 1;

const argmax = (v: ArrayLike<number>, from: number, n: number): number => {
  let best = from;
  for (let i = from + 1; i < from + n; i++) if (v[i]! > v[best]!) best = i;
  return best - from;
};

describe('qat with recurrent models', () => {
  it('lstm on row-sequential MNIST: train, QAT, eval, int8 equal to fake-quant, ONNX equal to int8', async () => {
    const dir = await tempDir();
    const fp32 = join(dir, 'fp32');
    const run = join(dir, 'w8a8');
    const common = ['--model', 'lstm', '--data', 'mnist', '--limit', '512', '--batch-size', '32'];
    const f = await qat('train', ...common, '--max-steps', '24', '--out', fp32, '--json');
    expect(f.err).not.toContain('qat:');
    expect(f.code).toBe(0);
    const t = await qat('train', ...common, '--recipe', 'w8a8', '--from', fp32, '--max-steps', '6', '--lr', '0.001', '--out', run);
    expect(t.code).toBe(0);
    expect(t.err).toContain('rnn.0 (LSTM: input, weight, recurrentWeight, hidden, gates, cell)');
    const info = JSON.parse(await readFile(join(run, 'run.json'), 'utf8'));
    expect(info.inputShape).toEqual([28, 28]);
    const fake = JSON.parse((await qat('eval', run, '--limit', '1000', '--json')).out);
    console.log(`MNIST rows lstm: FP32 ${JSON.parse(f.out).accuracy.toFixed(2)}%, QAT w8a8 fake-quant ${fake.accuracy.toFixed(2)}%`);
    expect(fake.samples).toBe(1000);
    expect(fake.accuracy).toBeGreaterThan(15); // 10 classes: above chance after a few dozen steps

    const c = await qat('convert', run, '--format', 'int8');
    expect(c.code).toBe(0);
    const e = JSON.parse((await qat('eval', join(run, 'model.qir'), '--limit', '1000', '--json')).out);
    expect(e.samples).toBe(1000);
    expect(e.accuracy).toBe(fake.accuracy);
    expect(e.fakeQuantAccuracy).toBe(fake.accuracy);
    const inspect = await qat('inspect', join(run, 'model.qir'));
    expect(inspect.out).toMatch(/rnn\.0\.\S+\s+lstm\s+8\s+int8, per-channel/);

    const o = await qat('convert', run, '--format', 'onnx');
    expect(o.err).toBe('');
    expect(o.out).toContain(`wrote ${join(run, 'model.onnx')} (onnx,`);
    const onnx = await ort.InferenceSession.create(await readFile(join(run, 'model.onnx')), { executionProviders: ['wasm'] });
    const n = 16;
    const test = await loadMnist({ split: 'test', limit: n });
    const x = test.x.subarray(0, n * 28 * 28);
    const ortOut = (await onnx.run({ [onnx.inputNames[0]!]: new ort.Tensor('float32', x, [n, 28, 28]) }))[onnx.outputNames[0]!]!.data as Float32Array;
    const session = await loadSession(await readFile(join(run, 'model.qir')));
    try {
      const intOut = session.run({ [session.inputs[0]!.name]: x })[session.outputs[0]!.name]!;
      expect(ortOut.length).toBe(n * 10);
      const a = Array.from({ length: n }, (_, i) => argmax(ortOut, i * 10, 10));
      const b = Array.from({ length: n }, (_, i) => argmax(intOut, i * 10, 10));
      expect(a).toEqual(b);
      expect(new Set(b).size).toBeGreaterThan(1); // not a constant output
    } finally {
      session.dispose();
      await onnx.release();
    }
  });

  it('gru on an IDX data set passed by path (rows as steps): train, int8 equal to fake-quant', async () => {
    const dir = await tempDir();
    const data = `idx:${(await writeDigitsIdx(dir)).join(',')}`;
    const run = join(dir, 'gru');
    const t = await qat('train', '--model', 'gru', '--data', data, '--recipe', 'w8a8', '--max-steps', '12', '--batch-size', '32', '--out', run, '--json');
    expect(t.err).not.toContain('qat:');
    expect(t.code).toBe(0);
    expect(JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).inputShape).toEqual([8, 8]);
    const fake = JSON.parse((await qat('eval', run, '--json')).out);
    expect((await qat('convert', run)).code).toBe(0);
    const e = JSON.parse((await qat('eval', join(run, 'model.qir'), '--json')).out);
    console.log(`digits (IDX) gru QAT w8a8: fake-quant ${fake.accuracy.toFixed(2)}%, int runtime ${e.accuracy.toFixed(2)}%`);
    expect(e.samples).toBe(360);
    expect(e.accuracy).toBe(fake.accuracy);
    expect(e.agreement).toBe(100);
    expect(fake.accuracy).toBeGreaterThan(15);
  });
});
