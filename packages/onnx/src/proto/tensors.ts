import { describeValue } from '@qatjs/core';
import { codeRange, packCodes } from '@qatjs/ir';
import { OnnxExportError } from '../errors.ts';
import { DataType, type DataTypeCode, type TensorProto } from './types.ts';

// Initializer payloads, little-endian as onnx.proto's raw_data requires (written through a DataView,
// so the host's byte order never matters).

/** The name is a non-empty string, the dims non-negative integers whose product is the value count. */
function check(name: string, dims: readonly number[], count: number): void {
  if (typeof name !== 'string' || name === '') throw new OnnxExportError(`tensor: name must be a non-empty string, got ${describeValue(name)}`);
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) throw new OnnxExportError(`tensor '${name}': dims must be non-negative integers, got ${describeValue(dims)}`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== count) throw new OnnxExportError(`tensor '${name}': dims [${dims.join(', ')}] hold ${n} elements, got ${count} values`);
}

function littleEndian(count: number, bytes: number, put: (view: DataView, i: number) => void): Uint8Array {
  const out = new Uint8Array(count * bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) put(view, i);
  return out;
}

/** A float32 tensor. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  check(name, dims, values?.length);
  return { name, dims, data_type: DataType.FLOAT, raw_data: littleEndian(values.length, 4, (v, i) => v.setFloat32(i * 4, values[i], true)) };
}

/** An int32 tensor. */
export function int32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  check(name, dims, values?.length);
  return { name, dims, data_type: DataType.INT32, raw_data: littleEndian(values.length, 4, (v, i) => v.setInt32(i * 4, values[i], true)) };
}

/** An int64 tensor (shapes for Reshape). */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  check(name, dims, values?.length);
  if (!values.every((v) => Number.isSafeInteger(v))) throw new OnnxExportError(`tensor '${name}': int64 values must be safe integers`);
  return { name, dims, data_type: DataType.INT64, raw_data: littleEndian(values.length, 8, (v, i) => v.setBigInt64(i * 8, BigInt(values[i]), true)) };
}

/** Integer codes as an int8, uint8 or int4 tensor (int4 packed two per byte, low nibble first, as onnx.proto and @qatjs/ir pack them). */
export function codeTensor(name: string, dims: readonly number[], type: DataTypeCode, codes: ArrayLike<number>): TensorProto {
  check(name, dims, codes?.length);
  const range = type === DataType.INT8 ? codeRange(8, true) : type === DataType.UINT8 ? codeRange(8, false) : type === DataType.INT4 ? codeRange(4, true) : type === DataType.INT16 ? codeRange(16, true) : undefined;
  if (!range) throw new OnnxExportError(`tensor '${name}': codes are INT8, UINT8, INT16 or INT4, got data type ${describeValue(type)}`);
  for (let i = 0; i < codes.length; i++) {
    if (!Number.isInteger(codes[i]) || codes[i] < range.qmin || codes[i] > range.qmax) throw new OnnxExportError(`tensor '${name}': code ${codes[i]} at ${i} is outside ${range.qmin}..${range.qmax}`);
  }
  if (type === DataType.INT4) return { name, dims, data_type: type, raw_data: packCodes('int4', codes) };
  if (type === DataType.INT16) {
    const view = new DataView(new ArrayBuffer(2 * codes.length));
    for (let i = 0; i < codes.length; i++) view.setInt16(2 * i, codes[i], true); // little-endian, as raw_data is
    return { name, dims, data_type: type, raw_data: new Uint8Array(view.buffer) };
  }
  const raw = type === DataType.INT8 ? new Uint8Array(Int8Array.from(codes).buffer) : Uint8Array.from(codes);
  return { name, dims, data_type: type, raw_data: raw };
}
