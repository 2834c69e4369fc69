// @qatjs/adapter-rnn: LSTM and GRU layers for quantization-aware training, lowered to the IR's fused
// lstm and gru ops, and character-level language model helpers. Importing it has no side effects.
export * from './layers/index.ts';
export { SequenceClassifier, sequenceClassifier, type SequenceClassifierOptions } from './models/sequence-classifier.ts';
export { CharLstm, charLstm, type CharLstmOptions } from './models/char-lstm.ts';
export { sampleText, type SampleOptions } from './text/sample-text.ts';
export { bitsPerCharacter, type BitsPerCharacterOptions } from './text/bits-per-character.ts';
