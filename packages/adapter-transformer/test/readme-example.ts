import { convert, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession } from '@qatjs/backend-wasm';
import { loadTinyShakespeare } from '@qatjs/datasets';
import { bitsPerChar, charTransformer, generateGreedy, nextLogitsOf, trainLanguageModel, transformerPreset } from '@qatjs/adapter-transformer';

await initBackend('wasm');
const corpus = await loadTinyShakespeare();
const context = 32;
const model = charTransformer({ vocab: corpus.vocabSize, dModel: 32, heads: 2, layers: 1, context });
const batches = (steps: number, seed: number) => corpus.randomWindows({ split: 'train', seqLen: context, batchSize: 8, seed, steps });
trainLanguageModel(model, { batches: batches(100, 1), steps: 100, learningRate: 1e-2, warmupSteps: 10 });
prepare(model, transformerPreset('w8a8', { freezeObserversAt: 10 }), { onWarning: () => {} }); // QAT from the float weights
trainLanguageModel(model, { batches: batches(20, 2), steps: 20, learningRate: 1e-3 });
const validation = [...corpus.windows({ split: 'validation', seqLen: context, batchSize: 32 })].slice(0, 4);
export const bpc = bitsPerChar(model, validation);
console.log(bpc.toFixed(2), 'bits per character'); // ~4 after these few steps (the unigram model: 4.77)

// the integer model: int8 projections and attention products, exactly `context` tokens per run
model.eval();
const session = await loadSession(convert(model, { inputShape: [context], input: { dtype: 'int32' } }));
const intNext = (window: Int32Array) => {
  const padded = new Int32Array(context);
  padded.set(window); // padding at the end: the causal mask hides it from the real positions
  const logits = session.run({ input: padded }).output as Float32Array;
  return logits.subarray((window.length - 1) * corpus.vocabSize, window.length * corpus.vocabSize);
};
const prompt = corpus.encode('ROMEO:\n');
export const intText = corpus.decode(generateGreedy(intNext, prompt, 60, context));
export const fakeQuantText = corpus.decode(generateGreedy(nextLogitsOf(model), prompt, 60, context));
console.log(intText === fakeQuantText, JSON.stringify(intText)); // true: the int8 model generates the same text
session.dispose();
model.dispose();
