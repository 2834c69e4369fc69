// Character language models (task 'language-model'): registered on import. They read token ids
// [batch, T] of the corpus's vocabulary; T (the declared sample shape) is the training window, the
// transformer's context, and the sequence length an ONNX export fixes.
import { charLstm } from '@qatjs/adapter-rnn';
import { TRANSFORMER_PRESETS, charTransformer, transformerPreset, type TransformerPresetName } from '@qatjs/adapter-transformer';
import { registerModel } from './registry.ts';

const CHAR_LSTM_STEPS = 64;
const CONTEXT = 64;

registerModel({
  name: 'char-lstm',
  description: `a character LSTM (embedding 32, LSTM 128, dense head), windows of ${CHAR_LSTM_STEPS} characters: text`,
  task: 'language-model',
  sampleShape: () => [CHAR_LSTM_STEPS],
  build: (s) => charLstm({ vocab: s.vocab ? [...s.vocab] : s.classes, embed: 32, hidden: 128, maxSteps: s.inputShape[0]!, seed: s.seed }),
});

registerModel({
  name: 'transformer',
  description: `a character transformer (2 blocks, d 64, 4 heads, context ${CONTEXT}): text; presets ${TRANSFORMER_PRESETS.join(', ')} are the transformer's`,
  task: 'language-model',
  sampleShape: () => [CONTEXT],
  preset: (name) => ((TRANSFORMER_PRESETS as readonly string[]).includes(name) ? transformerPreset(name as TransformerPresetName) : undefined),
  build: (s) => charTransformer({ vocab: s.classes, dModel: 64, heads: 4, layers: 2, context: s.inputShape[0]!, seed: s.seed }),
});
