// @qatjs/ir: the IntModel IR, its binary file format, a builder and a validator. No tfjs, no
// dependencies: a deployable int8 model needs nothing but the runtime and its file.

export { QatjsError, IntModelError } from './errors.ts';
export {
  INT_MODEL_VERSION,
  type IntModel, type ValueDecl, type Constant, type ConstantData, type Node, type QuantParams,
  type DType, type ActivationDType, type AttrValue,
} from './types.ts';
export { DTYPES, ACTIVATION_DTYPES, dtypeInfo, byteLength, codeRange, isDType, type DTypeInfo } from './dtype.ts';
export { packCodes, unpackCodes, constantCodes } from './packing.ts';
export { makeQuant, quantRange, sameQuant, biasQuant, type QuantInit } from './quant.ts';
export { roundHalfEven, requantMultiplier, requantize, quantizeValue, dequantizeValue, averageRequantize, addQuantized, mulQuantized, MIN_NORMAL_FLOAT32 } from './numerics.ts';
export { addFloat, mulFloat, sigmoidFloat, tanhFloat, expFloat, geluFloat, FLOAT_KERNEL_TOLERANCE, FLOAT_REDUCTION_TOLERANCE, ulpDistance, withinFloatTolerance } from './float-numerics.ts';
export { elementCount, windowOutputSize, samePadding, windowPads, broadcastShapes, dynamicDims, isDynamicDim, BATCH_DIM, MIN_DYNAMIC_DIM, type PaddingMode } from './shape.ts';
export { activationClamp, type FusedActivation } from './activation.ts';
export { LIMITS, MAX_WINDOW_PARAM, type Limits } from './limits.ts';

export type { OpSchema, OpContext, InputSpec, OutputSpec, AttrSpec, TensorInfo, Inferred } from './ops/schema.ts';
export { getOpSchema, listOps, registerOp } from './ops/registry.ts';
export {
  nodeAttrs, floatAttr, stringAttr, optionalClamp,
  type OpAttrs, type Conv2dAttrs, type DepthwiseConv2dAttrs, type GemmAttrs, type MatmulAttrs, type AddAttrs, type MulAttrs,
  type PoolAttrs, type GlobalAvgPoolAttrs, type ReshapeAttrs, type Pair, type Pads, type Clamp,
  type LstmAttrs, type GruAttrs, type ConcatAttrs,
} from './ops/attr-types.ts';

export { validateModel, type ValidateOptions } from './validate/model.ts';
export { GraphBuilder, type OutputOptions } from './graph-builder.ts';
export { ModelBuilder, type QuantizedOutput, type ConvOptions, type PoolOptions } from './builder.ts';
export {
  type LstmOptions, type LstmOutputOptions, type LstmOutputs, type GruOptions, type GruOutputOptions, type GruOutputs, type HiddenOutput,
} from './recurrent-builder.ts';
export { gateQuant } from './ops/recurrent.ts';
export { CONCAT_MAX_INPUTS } from './ops/concat.ts';

export { encodeModel } from './format/encode.ts';
export { decodeModel } from './format/decode.ts';
export { MAGIC, FORMAT_VERSION, BUFFER_ALIGN } from './format/layout.ts';
export { crc32 } from './crc32.ts';
export { sizeReport, encodedSize, type SizeReport } from './size.ts';

export {
  runReference, traceReference, registerReferenceOp, getReferenceOp, listReferenceOps,
  type ReferenceOptions, type ReferenceInputs, type ReferenceInput, type ReferenceOutputs, type ReferenceKernel, type ReferenceContext,
  type ReferenceTensor, type ReferenceOutput, type ActivationArray,
} from './reference/index.ts';
export { seededRandom, seededUint32 } from './random.ts';
export { iPoly, iErf, iGelu, iExp, iSqrt, iSoftmaxRow, iSoftmaxFixedRow, iLayerNormRow, iLayerNormFixedRow, I_ERF, I_EXP, INTEGER_ONLY_FRACTION_BITS, type ScaledInt } from './integer-only.ts';
