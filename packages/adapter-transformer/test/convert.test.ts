import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession } from '@qatjs/backend-wasm';
import { bucketedNextLogits, charTransformer, convertAtLengths, generateGreedy, lengthBuckets, nextLogitsOf, trainLanguageModel, transformerPreset, type CharTransformer } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare, type CharCorpus } from '@qatjs/datasets';

// A character transformer trained briefly on tiny-shakespeare, QAT at W8A8, converted to an IntModel
// and run on the int8 runtime: logits within 1 output quantum of the fake-quant model's, the same
// argmax almost everywhere, and the same 200 greedily generated characters.
const CONTEXT = 32;

describe('convert(): a character transformer on the int runtime equals the fake-quant model', () => {
  let corpus: CharCorpus;
  let model: CharTransformer;
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
    model = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 2, context: CONTEXT, seed: 5 });
    const windows = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: CONTEXT, batchSize: 8, seed, steps });
    trainLanguageModel(model, { batches: windows(120, 1), steps: 120, learningRate: 1e-2, warmupSteps: 10 });
    prepare(model, transformerPreset('w8a8', { freezeObserversAt: 30 }), { onWarning: () => {} });
    trainLanguageModel(model, { batches: windows(40, 2), steps: 40, learningRate: 1e-3 });
    model.eval();
  }, 600_000);

  it('logits within 1 quantum, argmax agreement >= 99%, greedy generation of 200 characters equal', async () => {
    const ir = convert(model, { inputShape: [CONTEXT], input: { dtype: 'int32' } });
    expect(ir.nodes.map((n) => n.op)).toEqual(expect.arrayContaining(['embedding', 'positionalAdd', 'layerNorm', 'matmul', 'softmax', 'transpose', 'gelu', 'gemm', 'add']));
    const head = ir.values.find((v) => v.name === ir.nodes[ir.nodes.length - 1].inputs[0]);
    const scale = head?.quant?.scale[0] as number;
    const session = await loadSession(ir);
    try {
      const out = ir.outputs[0];
      const batches = [...corpus.windows({ split: 'validation', seqLen: CONTEXT, batchSize: 16 })].slice(0, 4);
      let worst = 0;
      let agree = 0;
      let rows = 0;
      for (const b of batches) {
        const int = session.run({ input: b.x })[out] as Float32Array;
        const fake = tf.tidy(() => model.forward(tf.tensor2d(b.x, b.shape, 'int32')).dataSync());
        const v = corpus.vocabSize;
        for (let r = 0; r < int.length / v; r++) {
          let [ai, af] = [0, 0];
          for (let c = 0; c < v; c++) {
            worst = Math.max(worst, Math.abs(int[r * v + c] - fake[r * v + c]) / scale);
            if (int[r * v + c] > int[r * v + ai]) ai = c;
            if (fake[r * v + c] > fake[r * v + af]) af = c;
          }
          agree += ai === af ? 1 : 0;
          rows++;
        }
      }
      expect(worst).toBeLessThanOrEqual(1); // measured: 0 (bit-exact) on 2048 positions
      expect(agree / rows).toBeGreaterThanOrEqual(0.99);

      // the int model takes CONTEXT tokens: a shorter window is padded at the end, which the causal
      // mask hides from the positions before it
      const intNext = (window: Int32Array) => {
        const padded = new Int32Array(CONTEXT);
        padded.set(window);
        const logits = session.run({ input: padded })[out] as Float32Array;
        const v = corpus.vocabSize;
        return logits.subarray((window.length - 1) * v, window.length * v);
      };
      const prompt = corpus.encode('ROMEO:\n');
      const fake = generateGreedy(nextLogitsOf(model), prompt, 200, CONTEXT);
      const int = generateGreedy(intNext, prompt, 200, CONTEXT);
      expect(corpus.decode(int)).toBe(corpus.decode(fake));
      expect(new Set(fake).size).toBeGreaterThanOrEqual(4); // it generates text, not one repeated character
    } finally {
      session.dispose();
    }
  }, 600_000);

  it('generation over length buckets (models converted at 8, 16, 32 tokens) equals the fake-quant greedy output', async () => {
    const lengths = lengthBuckets(CONTEXT);
    expect(lengths).toEqual([8, 16, 32]);
    const buckets = await Promise.all(convertAtLengths(model, lengths).map(async (c) => ({ length: c.length, session: await loadSession(c.model) })));
    try {
      const next = bucketedNextLogits(buckets, { vocab: corpus.vocabSize });
      // a 5-token window on the 8-token model: the same logits as on the full-context model, padded
      const window = corpus.encode('ROMEO');
      const padded = new Int32Array(CONTEXT);
      padded.set(window);
      const full = buckets[2].session.run({ input: padded }).output as Float32Array;
      const v = corpus.vocabSize;
      expect(Array.from(next(window))).toEqual(Array.from(full.subarray(4 * v, 5 * v)));
      const prompt = corpus.encode('ROMEO:\n');
      const fake = generateGreedy(nextLogitsOf(model), prompt, 200, CONTEXT);
      const int = generateGreedy(next, prompt, 200, CONTEXT);
      expect(corpus.decode(int)).toBe(corpus.decode(fake));
      expect(() => next(new Int32Array(CONTEXT + 1))).toThrow(/33 tokens; the buckets hold 1 to 32/);
    } finally {
      for (const b of buckets) b.session.dispose();
    }
  });

  it('a 16-bit residual stream is refused with the point named (the int runtime holds 8 bits)', () => {
    const m = charTransformer({ vocab: 7, dModel: 8, heads: 2, layers: 1, context: 4 });
    prepare(m, transformerPreset('w8a8-res16'), { onWarning: () => {} });
    const tokens = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    m.forward(tokens).dispose(); // observers see one batch
    tokens.dispose();
    m.eval();
    expect(() => convert(m, { inputShape: [4], input: { dtype: 'int32' } })).toThrow(/pos \(output\).*16 bits; the integer runtime holds at most 8/);
    m.dispose();
  });
});
