// An ONNX model with one QLinearMatMul: y[m, n] = requantize(a[m, k] . B[k, n]), B an int8
// initializer (so onnxruntime prepacks it at session creation, as we pack ours at load), per-tensor
// scales and zero points. `a` and `y` are uint8 (the u8s8 path) or int8 (s8s8).
import { ProtoWriter } from './protobuf-writer.ts';

// onnx.proto TensorProto.DataType
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;

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

function tensor(w: ProtoWriter, name: string, type: number, dims: number[], raw: Uint8Array): void {
  for (const d of dims) w.int(1, d);
  w.int(2, type);
  w.string(8, name);
  w.bytes(9, raw);
}

function valueInfo(w: ProtoWriter, name: string, type: number, dims: number[]): void {
  w.string(1, name);
  w.message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, type);
      tt.message(2, (s) => {
        for (const d of dims) s.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

const f32 = (v: number) => new Uint8Array(Float32Array.of(v).buffer);
const u8 = (v: number) => Uint8Array.of(v);
const i8 = (v: number) => new Uint8Array(Int8Array.of(v).buffer);

export function qlinearMatMulModel(p: QLinearMatMulModel): Uint8Array {
  const act = p.activation === 'uint8' ? UINT8 : INT8;
  const zp = p.activation === 'uint8' ? u8 : i8;
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'qatjs-benchmarks');
  w.message(8, (o) => o.string(1, '').int(2, 13)); // opset_import: ai.onnx 13
  w.message(7, (g) => {
    g.message(1, (node) => {
      for (const i of ['a', 'a_scale', 'a_zero_point', 'b', 'b_scale', 'b_zero_point', 'y_scale', 'y_zero_point']) node.string(1, i);
      node.string(2, 'y');
      node.string(3, 'qlinear_matmul');
      node.string(4, 'QLinearMatMul');
    });
    g.string(2, 'gemm');
    g.message(5, (t) => tensor(t, 'a_scale', FLOAT, [], f32(p.aScale)));
    g.message(5, (t) => tensor(t, 'a_zero_point', act, [], zp(p.aZeroPoint)));
    g.message(5, (t) => tensor(t, 'b', INT8, [p.k, p.n], new Uint8Array(p.b.buffer, p.b.byteOffset, p.b.byteLength)));
    g.message(5, (t) => tensor(t, 'b_scale', FLOAT, [], f32(p.bScale)));
    g.message(5, (t) => tensor(t, 'b_zero_point', INT8, [], i8(0)));
    g.message(5, (t) => tensor(t, 'y_scale', FLOAT, [], f32(p.yScale)));
    g.message(5, (t) => tensor(t, 'y_zero_point', act, [], zp(p.yZeroPoint)));
    g.message(11, (v) => valueInfo(v, 'a', act, [p.m, p.k]));
    g.message(12, (v) => valueInfo(v, 'y', act, [p.m, p.n]));
  });
  return w.finish();
}
