import { packCodes } from '@qatjs/ir';
import { DataType, type DataTypeCode, type TensorProto } from './types.ts';

// Initializer payloads, little-endian as onnx.proto's raw_data requires (written through a DataView,
// so the host's byte order never matters).

function littleEndian(count: number, bytes: number, put: (view: DataView, i: number) => void): Uint8Array {
  const out = new Uint8Array(count * bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) put(view, i);
  return out;
}

/** A float32 tensor. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  return { name, dims, data_type: DataType.FLOAT, raw_data: littleEndian(values.length, 4, (v, i) => v.setFloat32(i * 4, values[i], true)) };
}

/** An int32 tensor. */
export function int32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  return { name, dims, data_type: DataType.INT32, raw_data: littleEndian(values.length, 4, (v, i) => v.setInt32(i * 4, values[i], true)) };
}

/** An int64 tensor (shapes for Reshape). */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  return { name, dims, data_type: DataType.INT64, raw_data: littleEndian(values.length, 8, (v, i) => v.setBigInt64(i * 8, BigInt(values[i]), true)) };
}

/** Integer codes as an int8, uint8 or int4 tensor (int4 packed two per byte, low nibble first, as onnx.proto and @qatjs/ir pack them). */
export function codeTensor(name: string, dims: readonly number[], type: DataTypeCode, codes: ArrayLike<number>): TensorProto {
  if (type === DataType.INT4) return { name, dims, data_type: type, raw_data: packCodes('int4', codes) };
  const raw = type === DataType.INT8 ? new Uint8Array(Int8Array.from(codes).buffer) : Uint8Array.from(codes);
  return { name, dims, data_type: type, raw_data: raw };
}
