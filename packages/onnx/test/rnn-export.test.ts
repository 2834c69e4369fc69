// LSTM and GRU sequence classifiers (row-sequential MNIST, a few QAT steps) and a char LSTM with an
// Embedding (tiny-shakespeare), exported as unrolled QDQ graphs and run in onnxruntime-web with graph
// optimizations off and on, against the fake-quant model and the int runtime. Under Node 1,000 test
// sequences; under Bun and Deno the LSTM on 200 (helpers/runtime.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, fit, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { sequenceClassifier } from '@qatjs/adapter-rnn';
import { loadSession } from '@qatjs/backend-wasm';
import { batches, loadMnist, loadTinyShakespeare, type LabeledSet } from '@qatjs/datasets';
import { compareLogits } from '@qatjs/test-models';
import { useBackend } from '@qatjs/test-utils';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { calibratedCharLstm } from './helpers/char-lstm.ts';
import { ortSession, runFloat, type Optimization } from './helpers/ort.ts';
import { agreement, outputGrid, report } from './helpers/qat.ts';
import { FULL_RUN, casesForRuntime } from './helpers/runtime.ts';

const SEQS = FULL_RUN ? 1000 : 200;
const LEVELS: Optimization[] = ['disabled', 'all'];
let train: LabeledSet;
let test: LabeledSet;
const rows = (set: LabeledSet): LabeledSet => ({ ...set, shape: [set.shape[0] as number, 28, 28] });

async function trainedClassifier(cell: 'lstm' | 'gru') {
  const m = sequenceClassifier({ cell, inputSize: 28, hidden: 16, classes: 10, maxSteps: 28, seed: 2 });
  prepare(m, 'w8a8', { onWarning: () => {} });
  await fit(m, {
    epochs: 1,
    batches: () => (function* () {
      for (const b of batches(train, { batchSize: 64, seed: 4, dropLast: true })) yield { x: b.x, y: b.y, shape: b.shape };
    })(),
    optimizer: { kind: 'adam' },
    learningRate: { kind: 'constant', value: 1e-2 },
  });
  m.eval();
  return m;
}

describe('exported LSTM and GRU classifiers agree with the fake-quant model and the int runtime', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    train = rows(await loadMnist({ split: 'train', limit: 2048 }));
    test = rows(await loadMnist({ split: 'test', limit: SEQS }));
  });

  for (const cell of casesForRuntime(['lstm', 'gru'] as const)) {
    it(`${cell} W8A8, unrolled over 28 steps, optimizations off and on: the int runtime's logits within 1 quantum, and the fake-quant model's as close as the int runtime is`, async () => {
      const m = await trainedClassifier(cell);
      const ir = convert(m, { inputShape: [28, 28] });
      const grid = outputGrid(ir);
      const x = test.x.subarray(0, SEQS * 784);
      const fake = tf.tidy(() => m.forward(tf.tensor(x, [SEQS, 28, 28])).dataSync() as Float32Array);
      const session = await loadSession(ir);
      const int = session.run({ input: x })[ir.outputs[0]] as Float32Array;
      session.dispose();
      const bytes = exportOnnx(ir);
      const ops = decodeModelProto(bytes).graph.node.map((n) => n.op_type);
      expect(ops.filter((o) => o === 'MatMulInteger').length).toBe(28); // x·W once, h·U on steps 2..28
      expect(ops).not.toContain('LSTM');
      console.log(`${cell} W8A8 classifier: ${ops.length} ONNX nodes, ${bytes.length} bytes`);
      const results = [];
      for (const level of LEVELS) {
        const s = await ortSession(bytes, level);
        const onnx = await runFloat(s, x, [SEQS, 28, 28]);
        await s.release();
        const vsFake = agreement(fake, onnx, grid, test.y);
        const vsInt = agreement(int, onnx, grid, test.y);
        console.log(report(`${cell} W8A8, optimizations ${level} vs fake-quant, ${SEQS} sequences`, vsFake));
        console.log(report(`${cell} W8A8, optimizations ${level} vs int runtime, ${SEQS} sequences`, vsInt));
        results.push(vsFake, vsInt);
      }
      const base = agreement(fake, int, grid, test.y);
      console.log(report(`${cell} W8A8, int runtime vs fake-quant, ${SEQS} sequences`, base));
      expect(base.accuracy).toBeGreaterThan(20); // a trained model, not a constant one
      // [vsFake, vsInt] per level: the export computes the int runtime's step formulas (0 quanta measured);
      // the fake-quant model rounds float sums in another order (the int runtime is itself up to 3 quanta away)
      for (let i = 0; i < results.length; i += 2) {
        expect(results[i + 1].argmax).toBeGreaterThanOrEqual(0.999);
        expect(results[i + 1].quanta).toBeLessThanOrEqual(1 + 1e-3);
        expect(results[i].argmax).toBeGreaterThanOrEqual(Math.min(0.999, base.argmax));
        expect(results[i].quanta).toBeLessThanOrEqual(base.quanta + 1 + 1e-3);
      }
      m.dispose();
    });
  }
});

describe('a char LSTM with an Embedding', () => {
  it('exports with a fixed T (a run-time T is refused, naming the node) and agrees on a tiny-shakespeare batch', async () => {
    await useBackend('wasm');
    const corpus = await loadTinyShakespeare();
    const B = 8;
    const T = 32;
    const m = await calibratedCharLstm(corpus, B, T, { embed: 16, hidden: 32, seed: 3 });
    const ir = convert(m, { inputs: [{ name: 'tokens', shape: [-2], dtype: 'int32' }] });
    expect(ir.nodes.map((n) => n.op)).toContain('embedding');
    expect(() => exportOnnx(ir)).toThrow(/node 'rnn\.0\.[^']*' \(op lstm, layer 'rnn\.0[^)]*\): the sequence length T of x '[^']+' is a run-time size; the export unrolls the step loop .* pass exportOnnx\(model, \{ inputShapes: \{ tokens: \[null, T\] \} \}\)/);
    expect(() => exportOnnx(ir, { inputShapes: { tokens: [null, 32, 1] } })).toThrow(/inputShapes.tokens has 3 dims; input 'tokens' has rank 2/);
    expect(() => exportOnnx(ir, { inputShapes: { words: [null, 32] } })).toThrow(/'words', which is not a graph input/);
    const bytes = exportOnnx(ir, { inputShapes: { tokens: [null, T] } });
    const tokens = corpus.validation.slice(0, B * T);
    const fake = tf.tidy(() => m.forward(tf.tensor2d(tokens, [B, T], 'int32')).dataSync() as Float32Array);
    const session = await loadSession(ir);
    const int = session.run({ tokens: { data: tokens, shape: [B, T] } })[ir.outputs[0]] as Float32Array;
    session.dispose();
    const grid = outputGrid(ir);
    const V = corpus.vocabSize;
    for (const level of LEVELS) {
      const s = await ortSession(bytes, level);
      const out = await s.run({ tokens: new ort.Tensor('int32', tokens, [B, T]) });
      await s.release();
      const onnx = out[s.outputNames[0]].data as Float32Array;
      for (const [what, ref] of [['fake-quant', fake], ['int runtime', int]] as const) {
        const cmp = compareLogits(ref, onnx, V, grid.scale, grid.zeroPoint, { dequantized: true });
        console.log(`charLstm W8A8, optimizations ${level} vs ${what}, ${B * T} positions: argmax ${cmp.sameArgmax}/${B * T}, largest logit difference ${cmp.worstQuanta.toFixed(3)} quanta`);
        expect(cmp.sameArgmax).toBeGreaterThanOrEqual(B * T - 2);
        expect(cmp.worstQuanta).toBeLessThanOrEqual(2 + 1e-3);
      }
    }
    m.dispose();
  });
});
