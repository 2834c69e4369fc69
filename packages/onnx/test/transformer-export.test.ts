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
import { trainLanguageModel, transformerPreset, type CharTransformer } from '@qatjs/adapter-transformer';
import { loadTinyShakespeare, type CharCorpus } from '@qatjs/datasets';
import type { IntModel } from '@qatjs/ir';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { ortSession, type Optimization } from './helpers/ort.ts';
import { casesForRuntime } from './helpers/runtime.ts';
import { res16CharTransformer, trainedCharTransformer, trainWindows } from '../../adapter-transformer/test/helpers/char-transformer.ts';

const T = 16;
const B = 8;
const LEVELS = casesForRuntime<Optimization>(['disabled', 'all']); // Bun and Deno: optimizations off only
/** Both models' float training: 20 steps (seed 5, windows seed 1, 5 warmup steps). */
const BRIEF = { seed: 5, steps: 20, windowSeed: 1, warmupSteps: 5 };

/** The argmax of row r of [rows, v] logits (the first of equal maxima). */
function argmax(a: Float32Array, r: number, v: number): number {
  let k = 0;
  for (let c = 1; c < v; c++) if (a[r * v + c] > a[r * v + k]) k = c;
  return k;
}

describe('an exported char transformer agrees with the int runtime', () => {
  let corpus: CharCorpus;
  let model: CharTransformer;

  /**
   * The first validation batch through the int runtime and through onnxruntime at each of `levels`:
   * the largest |onnx - int| in output quanta (both dequantize codes on the head's grid), how many
   * logits differ, and how many rows have the same argmax.
   */
  async function onnxVsInt(ir: IntModel, bytes: Uint8Array, levels: readonly Optimization[]) {
    const scale = ir.values.find((d) => d.name === ir.nodes[ir.nodes.length - 1].inputs[0])?.quant?.scale[0] as number;
    const b = [...corpus.windows({ split: 'validation', seqLen: T, batchSize: B })][0];
    const session = await loadSession(ir);
    const int = session.run({ [ir.inputs[0]]: b.x })[ir.outputs[0]] as Float32Array;
    session.dispose();
    const v = corpus.vocabSize;
    const results = [];
    for (const level of levels) {
      const s = await ortSession(bytes, level);
      const out = (await s.run({ [s.inputNames[0]]: new ort.Tensor('int32', Int32Array.from(b.x), [B, T]) }))[s.outputNames[0]].data as Float32Array;
      await s.release();
      expect(out.length).toBe(int.length);
      let [worst, differ, agree] = [0, 0, 0];
      for (let i = 0; i < out.length; i++) {
        const q = Math.round(Math.abs(out[i] - int[i]) / scale);
        worst = Math.max(worst, q);
        differ += q > 0 ? 1 : 0;
      }
      for (let r = 0; r < B * T; r++) agree += argmax(out, r, v) === argmax(int, r, v) ? 1 : 0;
      results.push({ level, worst, differ, agree, logits: out.length });
    }
    return results;
  }

  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
    model = trainedCharTransformer(corpus, T, BRIEF);
    prepare(model, transformerPreset('w8a8', { freezeObserversAt: 5 }), { onWarning: () => {} });
    trainLanguageModel(model, { batches: trainWindows(corpus, T, 10, 2), steps: 10, learningRate: 1e-3 });
    model.eval();
  });

  it('argmax equal on every position of a validation batch, optimizations off and all; logits within 1 output quantum', async () => {
    const ir = convert(model, { inputShape: [T], input: { dtype: 'int32' } });
    const ops = new Set(ir.nodes.map((n) => n.op));
    for (const op of ['positionalAdd', 'layerNorm', 'softmax', 'gelu', 'transpose', 'matmul']) expect(ops).toContain(op);
    const bytes = exportOnnx(ir);
    const onnxOps = decodeModelProto(bytes).graph.node.map((n) => n.op_type);
    expect(onnxOps).toContain('Softmax');
    expect(onnxOps).not.toContain('LayerNormalization');
    for (const r of await onnxVsInt(ir, bytes, LEVELS)) {
      console.log(`transformer ${r.level}: ${onnxOps.length} ONNX nodes, argmax ${r.agree}/${B * T}, max |onnx - int| ${r.worst} output quanta (${r.differ} of ${r.logits} logits differ)`);
      expect(r.agree).toBe(B * T);
      expect(r.worst).toBeLessThanOrEqual(1);
    }
  });

  it('w8a8-res16 (int16 residual codes): refused below opset 21 naming the value; at opset 21 onnxruntime argmax = int runtime, logits within 1 quantum', async () => {
    const m = res16CharTransformer(corpus, T, { ...BRIEF, calibration: { batches: 2, seed: 3 } });
    const ir = convert(m, { inputShape: [T], input: { dtype: 'int32' } });
    m.dispose();
    expect(ir.values.filter((d) => d.dtype === 'int16').length).toBe(5);
    expect(() => exportOnnx(ir)).toThrow(/pos\.output.*int16 codes.*opset 21/);
    const bytes = exportOnnx(ir, { opset: 21 });
    const [r] = await onnxVsInt(ir, bytes, ['disabled']);
    console.log(`transformer w8a8-res16 opset 21: argmax ${r.agree}/${B * T}, max |onnx - int| ${r.worst} output quanta`);
    expect(r.agree).toBe(B * T);
    expect(r.worst).toBeLessThanOrEqual(1);
  });
});
