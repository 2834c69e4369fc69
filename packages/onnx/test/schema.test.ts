import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { ONNX_SCHEMA } from '../src/generated/onnx-schema.ts';
import { codeTensor, DataType, decodeModelProto, encodeModelProto, floatTensor, int64Tensor, OnnxExportError } from '../src/index.ts';

describe('the protobuf schema', () => {
  it('is the JSON descriptor of the vendored official onnx.proto (scripts/gen-schema.mjs is in sync)', () => {
    const proto = readFileSync(new URL('../proto/onnx.proto', import.meta.url), 'utf8');
    expect(proto).toContain('package onnx;');
    const root = protobuf.parse(proto, { keepCase: true }).root;
    expect(JSON.parse(JSON.stringify(root.toJSON()))).toEqual(ONNX_SCHEMA);
  });

  it('encodes and decodes a ModelProto, and refuses bytes that are not one', () => {
    const bytes = encodeModelProto({
      ir_version: 7,
      opset_import: [{ domain: '', version: 13 }],
      producer_name: 'test',
      producer_version: '1',
      metadata_props: [],
      graph: { name: 'g', node: [{ name: 'n', op_type: 'Relu', input: ['x'], output: ['y'], attribute: [] }], initializer: [], input: [], output: [] },
    });
    const m = decodeModelProto(bytes);
    expect(m.graph.node[0].op_type).toBe('Relu');
    expect(m.opset_import[0].version).toBe(13);
    expect(() => decodeModelProto(Uint8Array.of(0xff, 0xff, 0xff))).toThrow(OnnxExportError);
    expect(() => encodeModelProto({ ir_version: 'seven' } as never)).toThrow(/does not match onnx.proto/);
  });
});

describe('tensor helpers', () => {
  it('check names, dims against the values, and code ranges', () => {
    expect(codeTensor('w', [2, 2], DataType.INT4, [-8, 7, 0, 1]).raw_data).toEqual(Uint8Array.of(0x78, 0x10));
    expect(() => floatTensor('', [1], [1])).toThrow(/name must be a non-empty string/);
    expect(() => floatTensor('s', [2, 2], [1, 2, 3])).toThrow(/dims \[2, 2\] hold 4 elements, got 3 values/);
    expect(() => codeTensor('w', [1], DataType.INT8, [128])).toThrow(/code 128 at 0 is outside -128..127/);
    expect(() => codeTensor('w', [1], DataType.FLOAT, [1])).toThrow(/codes are INT8, UINT8, INT16 or INT4/);
    expect(() => int64Tensor('shape', [1], [0.5])).toThrow(/safe integers/);
  });
});
