import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from '../generated/onnx-schema.ts';
import { OnnxExportError } from '../errors.ts';
import type { ModelProto } from './types.ts';

// Protobuf through protobufjs and the official onnx.proto (its JSON descriptor, generated from the
// vendored proto/onnx.proto): no hand-written wire encoding.

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/** Encodes a ModelProto; a field of the wrong type is an error (protobufjs's verify). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new OnnxExportError(`exportOnnx: internal: the ModelProto does not match onnx.proto: ${problem}`);
  return type.encode(type.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/**
 * Decodes ONNX model bytes into plain objects with onnx.proto's field names (int64s as numbers,
 * bytes as Uint8Array): for reading back what was exported, in tests and tools.
 */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new OnnxExportError('decodeModelProto: bytes must be a Uint8Array');
  const type = modelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new OnnxExportError(`decodeModelProto: not an ONNX ModelProto: ${(e as Error).message}`);
  }
  return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as unknown as ModelProto;
}
