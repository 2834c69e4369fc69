import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, Sequential, compareLogits, convert, initBackend, prepare, type QuantPointDecl, type RecipeRule } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession } from '@qatjs/backend-wasm';
import { runReference } from '@qatjs/ir';
import { CausalSelfAttention, Gelu, LayerNorm, charTransformer, trainLanguageModel, transformerPreset, type CharTransformer } from '@qatjs/adapter-transformer';
import { randomNormal } from '@qatjs/test-utils';
import { loadTinyShakespeare, type CharCorpus } from '@qatjs/datasets';

// I-BERT's integer-only GELU, softmax and layer norm (the w8a8-ibert preset: a recipe rule's
// integerOnly) on a character transformer trained briefly on tiny-shakespeare: the fake-quant model
// computes them with @qatjs/ir's integer-only functions on its activations' codes, the converted model
// runs the IR's iGelu / iSoftmax / iLayerNorm, and the two agree; gradients are the float functions'.
const CONTEXT = 16;

describe('integer-only nonlinearities (w8a8-ibert)', () => {
  let corpus: CharCorpus;
  let model: CharTransformer;
  const windows = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: CONTEXT, batchSize: 8, seed, steps });
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('PROD', true);
    corpus = await loadTinyShakespeare();
    model = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 2, context: CONTEXT, seed: 3 });
    trainLanguageModel(model, { batches: windows(80, 1), steps: 80, learningRate: 1e-2, warmupSteps: 10 });
  });

  it('QAT trains through them without leaking tensors, and the int runtime equals the fake-quant model', async () => {
    const report = prepare(model, transformerPreset('w8a8-ibert', { freezeObserversAt: 10 }), { onWarning: () => {} });
    // every GELU, layer norm and attention of the 2 blocks (+ the final layer norm)
    expect(report.integerOnlyLayers.length).toBe(2 * 4 + 1);
    trainLanguageModel(model, { batches: windows(3, 2), steps: 3, learningRate: 1e-3 });
    const before = tf.memory().numTensors;
    const r = trainLanguageModel(model, { batches: windows(12, 3), steps: 12, learningRate: 1e-3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(r.losses[11])).toBe(true);
    model.eval();

    const ir = convert(model, { inputShape: [CONTEXT], input: { dtype: 'int32' }, floatOutput: false });
    const ops = ir.nodes.map((n) => n.op);
    expect(ops.filter((o) => o === 'iGelu').length).toBe(2);
    expect(ops.filter((o) => o === 'iSoftmax').length).toBe(2);
    expect(ops.filter((o) => o === 'iLayerNorm').length).toBe(5);
    for (const float of ['gelu', 'softmax', 'layerNorm']) expect(ops).not.toContain(float);

    const outQuant = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
    const session = await loadSession(ir);
    try {
      let worst = 0;
      let same = 0;
      let rows = 0;
      for (const b of [...corpus.windows({ split: 'validation', seqLen: CONTEXT, batchSize: 16 })].slice(0, 4)) {
        const codes = session.run({ input: b.x })[ir.outputs[0]];
        const fake = tf.tidy(() => model.forward(tf.tensor2d(b.x, b.shape, 'int32')).dataSync());
        const c = compareLogits(fake, codes, corpus.vocabSize, outQuant?.scale[0] as number, outQuant?.zeroPoint[0] as number);
        worst = Math.max(worst, c.worstQuanta);
        same += c.sameArgmax;
        rows += c.codeArgmax.length;
        // the reference interpreter computes the same codes as the runtime
        expect(Array.from(runReference(ir, { input: b.x })[ir.outputs[0]])).toEqual(Array.from(codes));
      }
      // code for code: measured worst 6e-6 quanta (the float logits' rounding), argmax 1024 of 1024
      expect(worst).toBeLessThan(0.01);
      expect(same).toBe(rows);
    } finally {
      session.dispose();
    }
  });
});

/** Puts its input on an 8-bit grid (a quantized output, as the layer before an integer-only one has). */
class OnGrid extends Module {
  readonly kind = 'OnGrid';
  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation' }];
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.quantize('output', x);
  }
}

describe('integer-only nonlinearities: gradients are the float functions\' (straight-through across the integer approximation)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const cases: Array<[string, () => Module, number[], RecipeRule['points'], number]> = [
    // GELU's gradient is computed from the input alone: equal to the float layer's, bit for bit
    ['Gelu', () => new Gelu(), [4, 24], undefined, 0],
    // layer norm's uses the integer-normalized values as x-hat (measured 3.8e-4)
    ['LayerNorm', () => new LayerNorm({ dim: 24 }), [2, 5, 24], undefined, 0.002],
    // the attention's backward uses the float probabilities; its forward values (p·v) differ slightly (measured 1.6e-4)
    ['CausalSelfAttention', () => new CausalSelfAttention({ dModel: 16, heads: 2, context: 8, seed: 2 }), [2, 8, 16], { scores: { quantizer: 'asymmetric', bits: 8 } }, 0.002],
  ];
  for (const [kind, make, shape, points, tol] of cases) {
    it(`${kind}: within ${tol} (relative to the largest) of the float layer's input gradient`, () => {
      const x = tf.tensor(randomNormal(shape.reduce((a, d) => a * d, 1), 7), shape);
      const w = tf.tensor(randomNormal(x.size, 8), shape);
      const grads = [false, true].map((integerOnly) => {
        const model = new Sequential({ grid: new OnGrid(), layer: make() });
        const rules: RecipeRule[] = [{ match: 'OnGrid', output: { quantizer: 'asymmetric', bits: 8 } }];
        if (points) rules.push({ match: kind, points });
        if (integerOnly) rules.push({ match: kind, integerOnly: true });
        const report = prepare(model, { rules }, { onWarning: () => {} });
        expect(report.integerOnlyLayers).toEqual(integerOnly ? ['layer'] : []);
        model.train();
        model.forward(x).dispose(); // calibrate the grid (the same x again below: the same grid)
        const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.forward(v), w)))(x).dataSync());
        model.dispose();
        return Float32Array.from(g);
      });
      const largest = Math.max(...grads[0].map(Math.abs));
      const worst = Math.max(...grads[0].map((g, i) => Math.abs(g - grads[1][i])));
      expect(largest).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(tol * largest);
      tf.dispose([x, w]);
    });
  }

  it('a recipe that switches integerOnly on where no layer has the form, or with a non-boolean, is refused by name', () => {
    const model = new Sequential({ grid: new OnGrid() });
    expect(() => prepare(model, { rules: [{ match: '*', output: { quantizer: 'asymmetric', bits: 8 } }, { match: 'OnGrid', integerOnly: true }] })).toThrow(/integerOnly matches no layer with an integer-only form/);
    expect(model.quantController).toBeUndefined();
    expect(() => prepare(model, { rules: [{ match: 'OnGrid', integerOnly: 'yes' as unknown as boolean }] })).toThrow(/integerOnly must be true or false/);
  });
});
