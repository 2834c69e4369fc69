// A small character transformer (2 layers x 32, context 16) trained a few steps on tiny-shakespeare,
// QAT with the transformer's w8a8 preset, converted, exported as QDQ (opset 13: layerNorm, softmax and
// gelu composed) and run in onnxruntime-web with graph optimizations off and all, against the int runtime.
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession } from '@qatjs/backend-wasm';
import { charTransformer, trainLanguageModel, transformerPreset, type CharTransformer } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare, type CharCorpus } from '@qatjs/datasets';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { ortSession, type Optimization } from './helpers/ort.ts';
import { casesForRuntime } from './helpers/runtime.ts';

const T = 16;
const B = 8;
const LEVELS = casesForRuntime<Optimization>(['disabled', 'all']); // Bun and Deno: optimizations off only

/** The argmax of row r of [rows, v] logits (the first of equal maxima). */
function argmax(a: Float32Array, r: number, v: number): number {
  let k = 0;
  for (let c = 1; c < v; c++) if (a[r * v + c] > a[r * v + k]) k = c;
  return k;
}

describe('an exported char transformer agrees with the int runtime', () => {
  let corpus: CharCorpus;
  let model: CharTransformer;
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
    model = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 2, context: T, seed: 5 });
    const windows = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: T, batchSize: 8, seed, steps });
    trainLanguageModel(model, { batches: windows(20, 1), steps: 20, learningRate: 1e-2, warmupSteps: 5 });
    prepare(model, transformerPreset('w8a8', { freezeObserversAt: 5 }), { onWarning: () => {} });
    trainLanguageModel(model, { batches: windows(10, 2), steps: 10, learningRate: 1e-3 });
    model.eval();
  });

  it('argmax equal on every position of a validation batch, optimizations off and all; logits within 1 output quantum', async () => {
    const ir = convert(model, { inputShape: [T], input: { dtype: 'int32' } });
    const ops = new Set(ir.nodes.map((n) => n.op));
    for (const op of ['positionalAdd', 'layerNorm', 'softmax', 'gelu', 'transpose', 'matmul']) expect(ops).toContain(op);
    const outQuant = ir.values.find((v) => v.name === ir.nodes[ir.nodes.length - 1].inputs[0])?.quant;
    const scale = outQuant?.scale[0] as number;
    const bytes = exportOnnx(ir);
    const onnxOps = decodeModelProto(bytes).graph.node.map((n) => n.op_type);
    expect(onnxOps).toContain('Softmax');
    expect(onnxOps).not.toContain('LayerNormalization');
    const b = [...corpus.windows({ split: 'validation', seqLen: T, batchSize: B })][0];
    const session = await loadSession(ir);
    const int = session.run({ [ir.inputs[0]]: b.x })[ir.outputs[0]] as Float32Array;
    session.dispose();
    const v = corpus.vocabSize;
    for (const level of LEVELS) {
      const s = await ortSession(bytes, level);
      const out = (await s.run({ [s.inputNames[0]]: new ort.Tensor('int32', Int32Array.from(b.x), [B, T]) }))[s.outputNames[0]].data as Float32Array;
      await s.release();
      expect(out.length).toBe(int.length);
      let worst = 0;
      let agree = 0;
      let differ = 0;
      for (let i = 0; i < out.length; i++) {
        const q = Math.round(Math.abs(out[i] - int[i]) / scale); // both dequantize codes on one grid
        worst = Math.max(worst, q);
        differ += q > 0 ? 1 : 0;
      }
      for (let r = 0; r < B * T; r++) agree += argmax(out, r, v) === argmax(int, r, v) ? 1 : 0;
      console.log(`transformer ${level}: ${onnxOps.length} ONNX nodes, argmax ${agree}/${B * T}, max |onnx - int| ${worst} output quanta (${differ} of ${out.length} logits differ)`);
      expect(agree).toBe(B * T);
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('w8a8-res16 (int16 residual codes): refused below opset 21 naming the value; at opset 21 onnxruntime argmax = int runtime, logits within 1 quantum', async () => {
    const m = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 2, context: T, seed: 5 });
    const windows = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: T, batchSize: 8, seed, steps });
    trainLanguageModel(m, { batches: windows(20, 1), steps: 20, learningRate: 1e-2, warmupSteps: 5 });
    prepare(m, transformerPreset('w8a8-res16', { observer: 'minMax' }), { onWarning: () => {} });
    m.train();
    for (const w of windows(2, 3)) tf.tidy(() => m.forward(tf.tensor2d(w.x, w.shape, 'int32'))); // calibration
    m.eval();
    const ir = convert(m, { inputShape: [T], input: { dtype: 'int32' } });
    m.dispose();
    expect(ir.values.filter((d) => d.dtype === 'int16').length).toBe(5);
    expect(() => exportOnnx(ir)).toThrow(/pos\.output.*int16 codes.*opset 21/);
    const bytes = exportOnnx(ir, { opset: 21 });
    const scale = ir.values.find((d) => d.name === ir.nodes[ir.nodes.length - 1].inputs[0])?.quant?.scale[0] as number;
    const b = [...corpus.windows({ split: 'validation', seqLen: T, batchSize: B })][0];
    const session = await loadSession(ir);
    const int = session.run({ [ir.inputs[0]]: b.x })[ir.outputs[0]] as Float32Array;
    session.dispose();
    const v = corpus.vocabSize;
    const s = await ortSession(bytes, 'disabled');
    const out = (await s.run({ [s.inputNames[0]]: new ort.Tensor('int32', Int32Array.from(b.x), [B, T]) }))[s.outputNames[0]].data as Float32Array;
    await s.release();
    let worst = 0;
    let agree = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.round(Math.abs(out[i] - int[i]) / scale));
    for (let r = 0; r < B * T; r++) agree += argmax(out, r, v) === argmax(int, r, v) ? 1 : 0;
    console.log(`transformer w8a8-res16 opset 21: argmax ${agree}/${B * T}, max |onnx - int| ${worst} output quanta`);
    expect(agree).toBe(B * T);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
