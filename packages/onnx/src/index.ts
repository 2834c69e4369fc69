// @qatjs/onnx: ONNX QDQ export of qatjs models (the IntModel convert() produces), encoded with
// protobufjs from the official onnx.proto. Importing it has no side effects.
export { exportOnnx, PRODUCER } from './export-onnx.ts';
export { DEFAULT_OPSET, INT4_OPSET, OPSET_IR_VERSION, type OnnxExportOptions, type LowBitForm } from './options.ts';
export { registerOnnxOp, getOnnxOp, listOnnxOps, type OnnxOpExporter } from './registry.ts';
export { ExportContext, layerOf, type Layout, type WeightCodes } from './context.ts';
export { OnnxExportError } from './errors.ts';
export { decodeModelProto, encodeModelProto } from './proto/onnx-proto.ts';
export { DataType, AttributeType, type DataTypeCode, type ModelProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto, type AttributeProto, type DimensionProto } from './proto/types.ts';
export { floatTensor, int32Tensor, int64Tensor, codeTensor } from './proto/tensors.ts';
export type { AttrInit } from './proto/attributes.ts';
