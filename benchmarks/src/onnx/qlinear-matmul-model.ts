// An ONNX model with one QLinearMatMul: y[m, n] = requantize(a[m, k] . B[k, n]), B an int8
// initializer (so onnxruntime prepacks it at session creation, as we pack ours at load), per-tensor
// scales and zero points. `a` and `y` are uint8 (the u8s8 path) or int8 (s8s8). Encoded with
// @qatjs/onnx (protobufjs and the official onnx.proto).
import { DataType, codeTensor, encodeModelProto, floatTensor, type DataTypeCode, type ValueInfoProto } from '@qatjs/onnx';

export interface QLinearMatMulModel {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly activation: 'uint8' | 'int8';
  readonly b: Int8Array;
  readonly aScale: number;
  readonly aZeroPoint: number;
  readonly bScale: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
}

function valueInfo(name: string, type: DataTypeCode, dims: readonly number[]): ValueInfoProto {
  return { name, type: { tensor_type: { elem_type: type, shape: { dim: dims.map((d) => ({ dim_value: d })) } } } };
}

export function qlinearMatMulModel(p: QLinearMatMulModel): Uint8Array {
  const act = p.activation === 'uint8' ? DataType.UINT8 : DataType.INT8;
  const inputs = ['a', 'a_scale', 'a_zero_point', 'b', 'b_scale', 'b_zero_point', 'y_scale', 'y_zero_point'];
  return encodeModelProto({
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    producer_name: 'qatjs-benchmarks',
    producer_version: '0.0.0',
    metadata_props: [],
    graph: {
      name: 'gemm',
      node: [{ name: 'qlinear_matmul', op_type: 'QLinearMatMul', input: inputs, output: ['y'], attribute: [] }],
      initializer: [
        floatTensor('a_scale', [], [p.aScale]),
        codeTensor('a_zero_point', [], act, [p.aZeroPoint]),
        codeTensor('b', [p.k, p.n], DataType.INT8, p.b),
        floatTensor('b_scale', [], [p.bScale]),
        codeTensor('b_zero_point', [], DataType.INT8, [0]),
        floatTensor('y_scale', [], [p.yScale]),
        codeTensor('y_zero_point', [], act, [p.yZeroPoint]),
      ],
      input: [valueInfo('a', act, [p.m, p.k])],
      output: [valueInfo('y', act, [p.m, p.n])],
    },
  });
}
