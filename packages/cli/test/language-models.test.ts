// Issue 13 with the language models: qat train --model char-lstm|transformer on a text: file (the
// shipped tiny-shakespeare's first 12 KB), eval printing bits per character, the vocabulary stored with
// the run, convert to int8 (the int runtime's bpc equals fake-quant). The transformer's w8a8-res16 keeps
// a 16-bit residual stream: int16 codes in the int8 file; ONNX (opset 13) refuses them in one line.
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { loadSession } from '@qatjs/backend-wasm';
import { loadTinyShakespeare } from '@qatjs/datasets';
import { qat, tempDir } from './helpers.ts';

async function tinyText(dir: string): Promise<string> {
  const corpus = await loadTinyShakespeare();
  const text = corpus.decode(corpus.ids.subarray(0, 12_000));
  const file = join(dir, 'tiny.txt');
  await writeFile(file, text);
  return file;
}

/** onnxruntime's next-character argmax equals the int runtime's at every position of a few windows. */
async function sameArgmax(onnxFile: string, qirFile: string, steps: number, chars: readonly string[], textFile: string): Promise<void> {
  const n = 3;
  const vocab = chars.length;
  const text = [...(await readFile(textFile, 'utf8'))].slice(5_000, 5_000 + n * steps);
  const tokens = Int32Array.from(text, (c) => chars.indexOf(c));
  expect(Math.min(...tokens)).toBeGreaterThanOrEqual(0);
  const onnx = await ort.InferenceSession.create(await readFile(onnxFile), { executionProviders: ['wasm'] });
  const session = await loadSession(await readFile(qirFile));
  try {
    const a = (await onnx.run({ [onnx.inputNames[0]!]: new ort.Tensor('int32', tokens, [n, steps]) }))[onnx.outputNames[0]!]!.data as Float32Array;
    const b = session.run({ [session.inputs[0]!.name]: tokens })[session.outputs[0]!.name]!;
    expect(a.length).toBe(n * steps * vocab);
    const argmax = (v: ArrayLike<number>, at: number) => {
      let best = at;
      for (let i = at + 1; i < at + vocab; i++) if (v[i]! > v[best]!) best = i;
      return best - at;
    };
    const rows = Array.from({ length: n * steps }, (_, r) => r * vocab);
    expect(rows.map((r) => argmax(a, r))).toEqual(rows.map((r) => argmax(b, r)));
  } finally {
    session.dispose();
    await onnx.release();
  }
}

ort.env.wasm.numThreads = 1;

const BPC_LINE = /: (int runtime )?(\d+\.\d+) bits per character on (\d+) characters of text:/;

describe('qat with character language models', () => {
  for (const [model, steps] of [['char-lstm', '4'], ['transformer', '2']] as const) {
    it(`${model} on a text: file: train w8a8, eval (bpc), convert int8 (int runtime = fake-quant)`, async () => {
      const dir = await tempDir();
      const data = `text:${await tinyText(dir)}`;
      const run = join(dir, model);
      const t = await qat('train', '--model', model, '--data', data, '--recipe', 'w8a8', '--max-steps', steps, '--batch-size', '8', '--out', run);
      expect(t.err).not.toContain('qat:');
      expect(t.code).toBe(0);
      expect(t.out).toMatch(new RegExp(`QAT w8a8 ${model} on text:.*: ${steps} steps in [\\d.]+ s; test \\d+\\.\\d{3} bpc \\(fake-quant\\)`));
      const info = JSON.parse(await readFile(join(run, 'run.json'), 'utf8'));
      expect(info.vocab.length).toBe(info.classes);
      expect(info.vocab.join('')).toContain('abc');
      const e = await qat('eval', run);
      expect(e.code).toBe(0);
      const [, , bpc, chars] = BPC_LINE.exec(e.out)!;
      expect(Number(chars)).toBeGreaterThan(0);
      // a few steps from a uniform guess: finite, and below log2(vocab) + 1
      expect(Number.isFinite(Number(bpc))).toBe(true);
      expect(Number(bpc)).toBeGreaterThan(1);
      expect(Number(bpc)).toBeLessThan(Math.log2(info.classes) + 1);
      const c = await qat('convert', run, '--format', 'int8');
      expect(c.code).toBe(0);
      const ie = JSON.parse((await qat('eval', join(run, 'model.qir'), '--json')).out);
      console.log(`${model} (12 KB of tiny-shakespeare, ${steps} steps): fake-quant ${bpc} bpc, int runtime ${ie.bpc.toFixed(3)} bpc`);
      expect(ie.fakeQuantBpc).toBeCloseTo(Number(bpc), 3);
      expect(ie.bpc).toBeCloseTo(ie.fakeQuantBpc, 2);
      const inspect = await qat('inspect', join(run, 'model.qir'));
      expect(inspect.out).toMatch(model === 'char-lstm' ? /rnn\.0\.\S+\s+lstm\s+8/ : /\s(attention|softmax|layerNorm|matmul)\s/i);
      const o = await qat('convert', run, '--format', 'onnx');
      expect(o.code).toBe(0);
      expect(o.out).toContain('model.onnx (onnx,');
      await sameArgmax(join(run, 'model.onnx'), join(run, 'model.qir'), info.inputShape[0], info.vocab, data.slice('text:'.length));
    });
  }

  it('the transformer with w8a8-res16: convert lowers the 16-bit residual stream (int16 codes); --format onnx (opset 13) refuses it in one line (exit 3)', async () => {
    const dir = await tempDir();
    const run = join(dir, 'res16');
    const t = await qat('train', '--model', 'transformer', '--data', `text:${await tinyText(dir)}`, '--recipe', 'w8a8-res16', '--max-steps', '1', '--batch-size', '4', '--out', run);
    expect(t.code).toBe(0);
    const c = await qat('convert', run);
    expect(c.code).toBe(0);
    const session = await loadSession(await readFile(join(run, 'model.qir')));
    try {
      expect(session.model.values.filter((v) => v.dtype === 'int16').length).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
    const o = await qat('convert', run, '--format', 'onnx');
    expect(o.code).toBe(3);
    expect(o.err.trim()).toMatch(/^qat: .*res16: cannot convert to onnx: .*int16 codes.*opset 21/);
    expect(o.err.trim().split('\n')).toHaveLength(1);
  });
});
