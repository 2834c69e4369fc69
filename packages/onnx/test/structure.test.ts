import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant, registerOp, type IntModel } from '@qatjs/ir';
import { DataType, decodeModelProto, exportOnnx, listOnnxOps, OnnxExportError, registerOnnxOp, type ModelProto } from '../src/index.ts';
import { allOpsModel } from './helpers/all-ops-model.ts';

const decode = (bytes: Uint8Array): ModelProto => decodeModelProto(bytes);

describe('the QDQ graph', () => {
  const m = decode(exportOnnx(allOpsModel()));
  const g = m.graph;
  const init = (name: string) => g.initializer.find((t) => t.name === name);
  const node = (output: string) => g.node.find((n) => n.output.includes(output));

  it('is opset 13 with IR version 7, names its producer and keeps the IR metadata', () => {
    expect(m.opset_import).toEqual([{ domain: '', version: 13 }]);
    expect(m.ir_version).toBe(7);
    expect(m.producer_name).toBe('@qatjs/onnx');
    expect(m.metadata_props).toContainEqual({ key: 'producer', value: 'all-ops test model' });
  });

  it('keeps the IR input and output names, NHWC shapes and a run-time batch dim', () => {
    expect(g.input.map((v) => v.name)).toEqual(['input']);
    expect(g.input[0].type.tensor_type.elem_type).toBe(DataType.FLOAT);
    expect(g.input[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 6 }, { dim_value: 6 }, { dim_value: 3 }]);
    expect(g.output.map((v) => v.name)).toEqual(['output']);
    expect(g.output[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 4 }]);
  });

  it('stores weights as integer initializers with a per-axis DequantizeLinear where per-channel', () => {
    const w = init('block.conv.weight');
    expect(w?.data_type).toBe(DataType.INT8); // 4-bit codes in int8 at opset 13
    expect(w?.dims).toEqual([6, 6, 1, 1]); // OIHW
    const dq = node('block.conv.weight/dq');
    expect(dq?.op_type).toBe('DequantizeLinear');
    expect(dq?.attribute.map((a) => [a.name, a.i])).toEqual([['axis', 0]]);
    expect(init(dq?.input[1] as string)?.dims).toEqual([6]);
    // the depthwise weight [3, 3, 3, 2] becomes [6, 1, 3, 3], its 3 input-channel scales repeated per multiplier
    expect(init('stem.weight')?.dims).toEqual([6, 1, 3, 3]);
    expect(init('fc.weight')?.dims).toEqual([6, 4]);
    expect(node('fc.weight/dq')?.attribute.map((a) => [a.name, a.i])).toEqual([['axis', 1]]);
  });

  it('adds int32 biases through DequantizeLinear with scale s_x * s_w[c]', () => {
    expect(init('fc.bias')?.data_type).toBe(DataType.INT32);
    const dq = node('fc.bias/dq');
    expect(init(dq?.input[2] as string)?.data_type).toBe(DataType.INT32);
  });

  it('names nodes after the IR node (the layer path) and clips grids below 8 bits after QuantizeLinear (QCDQ)', () => {
    const clip = node('block.conv.output');
    expect(clip?.op_type).toBe('Clip');
    expect(clip?.name.startsWith('block.conv.output/')).toBe(true);
    expect(node(clip?.input[0] as string)?.op_type).toBe('QuantizeLinear');
    const lo = init(clip?.input[1] as string);
    const hi = init(clip?.input[2] as string);
    // ReLU6 on a 4-bit grid with zero point -8 and scale 0.3: codes [-8, -8 + round(6 / 0.3) = 12 -> 7]
    expect([lo?.raw_data[0], hi?.raw_data[0]]).toEqual([256 - 8, 7]);
  });

  it('at opset 21 with lowBits int4, stores 4-bit weights and activations as INT4', () => {
    const m21 = decode(exportOnnx(allOpsModel(), { opset: 21, lowBits: 'int4' }));
    expect(m21.ir_version).toBe(10);
    expect(m21.graph.initializer.find((t) => t.name === 'block.conv.weight')?.data_type).toBe(DataType.INT4);
    expect(m21.graph.initializer.find((t) => t.name === 'block.conv.weight')?.raw_data.length).toBe(18); // 36 codes, two per byte
    const q = m21.graph.node.find((n) => n.output.includes('pool.output'));
    expect(q?.op_type).toBe('QuantizeLinear');
    expect(m21.graph.initializer.find((t) => t.name === q?.input[2])?.data_type).toBe(DataType.INT4);
  });
});

describe('refusals', () => {
  it('validates options, naming the option', () => {
    const ir = allOpsModel();
    expect(() => exportOnnx(ir, { opset: 12 })).toThrow(/opset must be an integer from 13 to 21, got 12/);
    expect(() => exportOnnx(ir, { lowBits: 'int4' })).toThrow(/lowBits 'int4' needs opset 21/);
    expect(() => exportOnnx(ir, { lowbits: 'int4' } as never)).toThrow(/unknown option 'lowbits'/);
    expect(() => exportOnnx(ir, { convert: { inputShape: [2] } })).toThrow(/options.convert is for a Module/);
    expect(() => exportOnnx({} as IntModel)).toThrow(OnnxExportError);
    expect(() => exportOnnx({ ...ir, outputs: ['nope'] })).toThrow(/the IntModel is not valid/);
  });

  it('refuses an IR op without an exporter, naming the node, its layer and the op', () => {
    registerOp({ op: 'testSwish', inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }], outputs: [{ name: 'y', dtypes: ['float32'] }], attrs: {}, infer: (ctx) => [{ shape: ctx.inputs[0]?.shape ?? [], dtype: 'float32' }] });
    const b = new ModelBuilder();
    const x = b.input('input', 'float32', [-1, 4]);
    b.output(b.node('testSwish', [x], {}, [{ name: 'encoder.0.act.output' }])[0]);
    const ir = b.build();
    expect(() => exportOnnx(ir)).toThrow("exportOnnx: node 'encoder.0.act.output' (op testSwish, layer 'encoder.0.act'): no ONNX exporter for IR op 'testSwish'");
    // ...until the package that adds the op registers its exporter
    registerOnnxOp('testSwish', (node, ctx) => {
      const f = ctx.float(node.inputs[0], 'ir');
      ctx.floatOutput(node.outputs[0], 'ir', 'Mul', [f, ctx.emit('Sigmoid', [f])]);
    });
    expect(listOnnxOps()).toContain('testSwish');
    expect(decode(exportOnnx(ir)).graph.node.map((n) => n.op_type)).toEqual(['Sigmoid', 'Mul']);
    expect(() => registerOnnxOp('testSwish', () => {})).toThrow(/already has an ONNX exporter/);
    expect(() => registerOnnxOp('conv2d', () => {})).toThrow(/already has an ONNX exporter/);
  });

  it('refuses a reshape ONNX cannot spell (two run-time sizes besides the batch)', () => {
    const b = new ModelBuilder();
    const x = b.input('input', 'float32', [-1, -2, -3, 4]);
    const q = b.quantize(x, { name: 'seq.input', dtype: 'int8', quant: makeQuant({ scale: 0.1 }) });
    b.output(b.dequantize(b.reshape(q, [-1, -2, -3, 2, 2], { name: 'seq.reshape' }), { name: 'output' }));
    expect(() => exportOnnx(b.build())).toThrow(/node 'seq.reshape' \(op reshape, layer 'seq'\): shape \[0, -2, -3, 2, 2\] has 2 run-time sizes besides the batch/);
  });
});
