import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareLogits, convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession, type IntSession } from '@qatjs/backend-wasm';
import { runReference, type IntModel } from '@qatjs/ir';
import { bucketedNextLogits, charTransformer, convertAtLengths, generateGreedy, lengthBuckets, nextLogitsOf, trainLanguageModel, transformerPreset, transformerRecipe, type CharTransformer } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare, type CharCorpus, type SequenceBatch } from '@qatjs/datasets';
import { res16CharTransformer, trainedCharTransformer, trainWindows } from './helpers/char-transformer.ts';

// A character transformer trained briefly on tiny-shakespeare, QAT at W8A8, converted to an IntModel
// and run on the int8 runtime: logits within 1 output quantum of the fake-quant model's, the same
// argmax almost everywhere, and the same 200 greedily generated characters.
const CONTEXT = 32;

/**
 * The fake-quant model against the int model's session over `batches` (compareLogits on its float
 * output, on the head's grid): the worst difference in output quanta, argmax agreements, rows.
 * `each` sees each batch's int output first.
 */
function fakeVsInt(model: CharTransformer, ir: IntModel, session: IntSession, batches: SequenceBatch[], v: number, each?: (b: SequenceBatch, int: Float32Array) => void) {
  const quant = ir.values.find((d) => d.name === ir.nodes[ir.nodes.length - 1].inputs[0])?.quant;
  if (!quant) throw new Error('a quantized head expected');
  let [worst, agree, rows] = [0, 0, 0];
  for (const b of batches) {
    const int = session.run({ input: b.x })[ir.outputs[0]] as Float32Array;
    each?.(b, int);
    const fake = tf.tidy(() => model.forward(tf.tensor2d(b.x, b.shape, 'int32')).dataSync());
    const c = compareLogits(fake, int, v, quant.scale[0], quant.zeroPoint[0], { dequantized: true });
    [worst, agree, rows] = [Math.max(worst, c.worstQuanta), agree + c.sameArgmax, rows + c.codeArgmax.length];
  }
  return { worst, agree, rows };
}

/** The int model takes `context` tokens: a shorter window is padded at the end, which the causal mask hides from the positions before it. */
function intNextOf(session: { run(inputs: Record<string, Int32Array>): Record<string, ArrayLike<number>> }, out: string, context: number, v: number) {
  return (window: Int32Array) => {
    const padded = new Int32Array(context);
    padded.set(window);
    return (session.run({ input: padded })[out] as Float32Array).subarray((window.length - 1) * v, window.length * v);
  };
}

describe('convert(): a character transformer on the int runtime equals the fake-quant model', () => {
  let corpus: CharCorpus;
  let model: CharTransformer;
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
    model = trainedCharTransformer(corpus, CONTEXT, { seed: 5, steps: 120, windowSeed: 1, warmupSteps: 10 });
    prepare(model, transformerPreset('w8a8', { freezeObserversAt: 30 }), { onWarning: () => {} });
    trainLanguageModel(model, { batches: trainWindows(corpus, CONTEXT, 40, 2), steps: 40, learningRate: 1e-3 });
    model.eval();
  });

  it('logits within 1 quantum, argmax agreement >= 99%, greedy generation of 200 characters equal', async () => {
    const ir = convert(model, { inputShape: [CONTEXT], input: { dtype: 'int32' } });
    expect(ir.nodes.map((n) => n.op)).toEqual(expect.arrayContaining(['embedding', 'positionalAdd', 'layerNorm', 'matmul', 'softmax', 'transpose', 'gelu', 'gemm', 'add']));
    const session = await loadSession(ir);
    try {
      const out = ir.outputs[0];
      const batches = [...corpus.windows({ split: 'validation', seqLen: CONTEXT, batchSize: 16 })].slice(0, 4);
      const { worst, agree, rows } = fakeVsInt(model, ir, session, batches, corpus.vocabSize);
      expect(worst).toBeLessThanOrEqual(1); // measured: 0 (bit-exact) on 2048 positions
      expect(agree / rows).toBeGreaterThanOrEqual(0.99);

      const intNext = intNextOf(session, out, CONTEXT, corpus.vocabSize);
      const prompt = corpus.encode('ROMEO:\n');
      const fake = generateGreedy(nextLogitsOf(model), prompt, 200, CONTEXT);
      const int = generateGreedy(intNext, prompt, 200, CONTEXT);
      expect(corpus.decode(int)).toBe(corpus.decode(fake));
      expect(new Set(fake).size).toBeGreaterThanOrEqual(4); // it generates text, not one repeated character
    } finally {
      session.dispose();
    }
  });

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
});

// w8a8-res16 (a 16-bit residual stream): the residual sums are int16 codes in the integer model. A
// 2 x 32 transformer (context 16) trained briefly, prepared with the preset and calibrated (PTQ: the
// observers see a few batches): int runtime = reference interpreter exactly, = fake-quant within 1
// output quantum, the same argmax and the same 100 greedily generated characters.
describe('convert(): w8a8-res16 lowers the residual stream to int16 codes', () => {
  const T = 16;
  it('int runtime = reference interpreter code for code; = fake-quant within 1 quantum; greedy generation equal', async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    const corpus = await loadTinyShakespeare();
    const m = res16CharTransformer(corpus, T, { seed: 7, steps: 100, windowSeed: 3, warmupSteps: 10, calibration: { batches: 4, seed: 4 } });
    const ir = convert(m, { inputShape: [T], input: { dtype: 'int32' } });
    const wide = ir.values.filter((v) => v.dtype === 'int16').map((v) => v.name);
    expect(wide).toEqual(['pos.output', 'blocks.0.add1.output', 'blocks.0.add2.output', 'blocks.1.add1.output', 'blocks.1.add2.output']);
    expect(ir.values.find((v) => v.name === 'pos.output')?.quant?.bits).toBe(16);
    const session = await loadSession(ir);
    try {
      const out = ir.outputs[0];
      const v = corpus.vocabSize;
      const batches = [...corpus.windows({ split: 'validation', seqLen: T, batchSize: 16 })].slice(0, 2);
      const { worst, agree, rows } = fakeVsInt(m, ir, session, batches, v, (b, int) => {
        const ref = runReference(ir, { input: { data: b.x, shape: b.shape } })[out] as Float32Array;
        expect(Array.from(int)).toEqual(Array.from(ref));
      });
      expect(worst).toBeLessThanOrEqual(1); // measured: 0 quanta on 512 positions
      expect(agree / rows).toBeGreaterThanOrEqual(0.99);
      const intNext = intNextOf(session, out, T, v);
      const prompt = corpus.encode('ROMEO:\n');
      const fake = generateGreedy(nextLogitsOf(m), prompt, 100, T);
      expect(corpus.decode(generateGreedy(intNext, prompt, 100, T))).toBe(corpus.decode(fake));
      console.log(`w8a8-res16: worst ${worst} quanta, argmax ${agree}/${rows}, generated ${JSON.stringify(corpus.decode(fake).slice(0, 40))}`);
      expect(new Set(fake).size).toBeGreaterThanOrEqual(3);
    } finally {
      session.dispose();
      m.dispose();
    }
  });

  it('a wide point outside the residual stream (a 12-bit layer norm output) is refused naming the point', () => {
    const m = charTransformer({ vocab: 7, dModel: 8, heads: 2, layers: 1, context: 4 });
    const r = transformerRecipe({ wbits: 8, abits: 8, residualBits: 16 });
    prepare(m, { ...r, rules: [...r.rules, { match: 'blocks.0.ln1', output: { bits: 12 } }] }, { onWarning: () => {} });
    const tokens = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    m.forward(tokens).dispose(); // observers see one batch
    tokens.dispose();
    m.eval();
    expect(() => convert(m, { inputShape: [4], input: { dtype: 'int32' } })).toThrow(/blocks\.0\.ln1 \(output\).*12 bits; the integer runtime holds at most 8/);
    m.dispose();
  });
});
