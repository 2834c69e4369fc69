// The parts of the official onnx.proto messages the exporter writes, as plain objects with the
// schema's own field names (protobufjs encodes them from the vendored schema; see onnx-proto.ts).

/** onnx.proto TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT16: 5, INT32: 6, INT64: 7, UINT4: 21, INT4: 22 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** onnx.proto AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data_type: DataTypeCode;
  /** Little-endian element bytes (int4: two per byte, low nibble first, as onnx.proto says). */
  readonly raw_data: Uint8Array;
}

export interface AttributeProto {
  readonly name: string;
  readonly type: number;
  readonly i?: number;
  readonly f?: number;
  readonly s?: Uint8Array;
  readonly ints?: readonly number[];
  readonly floats?: readonly number[];
}

export interface NodeProto {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly AttributeProto[];
  readonly doc_string?: string;
}

/** A dimension: a fixed size or a named run-time size (`batch`). */
export type DimensionProto = { readonly dim_value: number } | { readonly dim_param: string };

export interface ValueInfoProto {
  readonly name: string;
  readonly type: { readonly tensor_type: { readonly elem_type: DataTypeCode; readonly shape: { readonly dim: readonly DimensionProto[] } } };
  readonly doc_string?: string;
}

export interface GraphProto {
  readonly name: string;
  readonly node: readonly NodeProto[];
  readonly initializer: readonly TensorProto[];
  readonly input: readonly ValueInfoProto[];
  readonly output: readonly ValueInfoProto[];
  readonly doc_string?: string;
}

export interface ModelProto {
  readonly ir_version: number;
  readonly opset_import: readonly { readonly domain: string; readonly version: number }[];
  readonly producer_name: string;
  readonly producer_version: string;
  readonly doc_string?: string;
  readonly graph: GraphProto;
  readonly metadata_props: readonly { readonly key: string; readonly value: string }[];
}
