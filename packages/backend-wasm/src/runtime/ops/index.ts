// The built-in runtime ops, one builder file each; registry.ts registers them with registerRuntimeOp,
// the same call a package adding its own op uses.
import type { RuntimeOpBuilder } from '../registry.ts';
import { addStep, mulStep } from './add.ts';
import { conv2dStep, depthwiseConv2dStep } from './conv2d.ts';
import { gemmStep } from './gemm.ts';
import { matmulStep } from './matmul.ts';
import { avgPoolStep, globalAvgPoolStep, maxPoolStep } from './pool.ts';
import { dequantizeStep, quantizeStep } from './quantize.ts';
import { aliasStep } from './reshape.ts';
import { unaryF32Step } from './unary-f32.ts';
import { embeddingStep } from './embedding.ts';
import { layerNormStep } from './layer-norm.ts';
import { softmaxStep } from './softmax.ts';
import { geluStep } from './gelu.ts';
import { transposeStep } from './transpose.ts';
import { positionalAddStep } from './positional-add.ts';
import { lstmStep } from './lstm.ts';
import { gruStep } from './gru.ts';
import { concatStep } from './concat.ts';
import { iGeluStep, iLayerNormStep, iSoftmaxStep } from './integer-only.ts';

export const BUILTIN_RUNTIME_OPS: readonly (readonly [string, RuntimeOpBuilder])[] = [
  ['conv2d', conv2dStep],
  ['depthwiseConv2d', depthwiseConv2dStep],
  ['gemm', gemmStep],
  ['matmul', matmulStep],
  ['add', addStep],
  ['mul', mulStep],
  ['sigmoid', unaryF32Step],
  ['tanh', unaryF32Step],
  ['exp', unaryF32Step],
  ['maxPool', maxPoolStep],
  ['avgPool', avgPoolStep],
  ['globalAvgPool', globalAvgPoolStep],
  ['quantize', quantizeStep],
  ['dequantize', dequantizeStep],
  ['reshape', aliasStep],
  ['flatten', aliasStep],
  ['embedding', embeddingStep],
  ['layerNorm', layerNormStep],
  ['softmax', softmaxStep],
  ['gelu', geluStep],
  ['transpose', transposeStep],
  ['positionalAdd', positionalAddStep],
  ['lstm', lstmStep],
  ['gru', gruStep],
  ['concat', concatStep],
  ['iGelu', iGeluStep],
  ['iSoftmax', iSoftmaxStep],
  ['iLayerNorm', iLayerNormStep],
];
