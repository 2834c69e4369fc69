// @qatjs/adapter-transformer: transformer layers, a character-level decoder-only model, its recipes
// and language-model training. Importing it has no side effects: training on tfjs-backend-wasm needs
// @qatjs/core's initBackend('wasm').
export { LayerNorm, layerNorm, type LayerNormOptions } from './layers/layer-norm.ts';
export { Gelu, gelu, GELU_A, GELU_C } from './layers/gelu.ts';
export { PositionalEmbedding, type PositionalEmbeddingOptions } from './layers/positional-embedding.ts';
export { CausalSelfAttention, causalMask, type CausalSelfAttentionOptions } from './layers/causal-self-attention.ts';
export { Mlp, type MlpOptions } from './layers/mlp.ts';
export { TransformerBlock, type TransformerBlockOptions } from './layers/transformer-block.ts';
export { CharTransformer, charTransformer, type CharTransformerOptions } from './models/char-transformer.ts';
export { transformerPreset, TRANSFORMER_PRESETS, type TransformerPresetName, type TransformerPresetOptions } from './recipes/transformer-presets.ts';
export { transformerRecipe, RESIDUAL_STREAM, FIRST_LAST, INTEGER_ONLY_KINDS, type TransformerRecipeOptions } from './recipes/transformer-recipe.ts';
export { lmLoss } from './train/lm-loss.ts';
export { AdamW } from './train/adamw.ts';
export { trainLanguageModel, type TrainLanguageModelOptions, type TrainLanguageModelResult } from './train/train-language-model.ts';
export { bitsPerChar } from './train/bits-per-char.ts';
export type { TokenBatch } from './train/sequence-batch.ts';
export { generateGreedy, nextLogitsOf, type NextLogits } from './models/generate.ts';
export { bucketedNextLogits, convertAtLengths, lengthBuckets, type LengthBucket, type TokenSession } from './models/length-buckets.ts';
