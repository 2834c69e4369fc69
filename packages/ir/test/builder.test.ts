import { describe, expect, it } from 'vitest';
import {
  GraphBuilder, IntModelError, ModelBuilder, biasQuant, decodeModel, encodeModel, getOpSchema, listOps, makeQuant, nodeAttrs,
  packCodes, registerOp, samePadding, validateModel, type OpSchema, type QuantParams,
} from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';
import { expectModelError, expectSameModel } from './helpers.ts';

const q8 = (scale: number, zeroPoint = 0) => makeQuant({ scale, zeroPoint });
const weights = (b: ModelBuilder, name: string, shape: number[], quant: QuantParams) =>
  b.constant({ name, dtype: 'int8', shape, quant, data: Int8Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, i) => (i % 5) - 2) });

describe('ModelBuilder', () => {
  it('builds the LeNet model with the shapes of each layer inferred', () => {
    const model = buildLenet(1);
    const shapes = Object.fromEntries(model.values.map((v) => [v.name, v.shape]));
    expect(shapes).toEqual({
      image: [-1, 28, 28, 1], 'image.q': [-1, 28, 28, 1], conv1: [-1, 24, 24, 16], pool1: [-1, 12, 12, 16],
      conv2: [-1, 8, 8, 32], pool2: [-1, 4, 4, 32], flat: [-1, 512], fc1: [-1, 128], fc2: [-1, 10], logits: [-1, 10],
    });
    expect(model.nodes.map((n) => n.op)).toEqual(['quantize', 'conv2d', 'maxPool', 'conv2d', 'maxPool', 'flatten', 'gemm', 'gemm', 'dequantize']);
    // pooling and flatten keep the quant params of their input
    expect(model.values.find((v) => v.name === 'flat')?.quant?.scale[0]).toBe(Math.fround(0.05));
    expect(model.metadata).toEqual({ producer: 'ir-test', model: 'lenet-int8' });
  });

  it('fills attribute defaults: strides, dilations, pads, groups, and the clamp = the whole output grid', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'uint8', [1, 5, 5, 1], makeQuant({ scale: 0.1, zeroPoint: 3, bits: 4 }));
    const w = weights(b, 'w', [3, 3, 1, 2], makeQuant({ scale: 0.5 }));
    b.output(b.conv2d(x, w, {}, { name: 'y', dtype: 'uint8', quant: makeQuant({ scale: 1, zeroPoint: 0, bits: 6 }) }));
    const node = b.build().nodes[0];
    expect(nodeAttrs(node, 'conv2d')).toEqual({ strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1, clamp: [0, 63] });
    expect(() => nodeAttrs(node, 'gemm')).toThrow(IntModelError);
  });

  it('infers conv shapes with strides, dilations, groups and tfjs same padding', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [2, 7, 9, 4], q8(0.1));
    const w = weights(b, 'w', [3, 3, 2, 6], makeQuant({ scale: 0.01 }));
    const [pt, pb] = samePadding(7, 3, 2, 2);
    const [pl, pr] = samePadding(9, 3, 2, 2);
    expect([pt, pb, pl, pr]).toEqual([2, 2, 2, 2]);
    const y = b.conv2d(x, w, { strides: [2, 2], dilations: [2, 2], pads: [pt, pl, pb, pr], groups: 2 }, { dtype: 'int8', quant: q8(0.2) });
    expect(b.info(y).shape).toEqual([2, 4, 5, 6]); // ceil(7/2), ceil(9/2): 'same'
    expect(samePadding(6, 2, 2)).toEqual([0, 0]);
    expect(samePadding(5, 2, 1)).toEqual([0, 1]); // the odd pixel goes after
  });

  it('builds every op of the CNN slice and the model survives a round trip', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 6, 6, 3]);
    const xq = b.quantize(x, { dtype: 'uint8', quant: q8(0.02, 128) });
    const dwq = makeQuant({ scale: [0.1, 0.2, 0.3], axis: 2 });
    const dw = weights(b, 'dw', [3, 3, 3, 2], dwq);
    const dwb = b.constant({ name: 'dwb', dtype: 'int32', shape: [6], quant: biasQuant(b.info(xq).quant!, dwq, 6), data: new Int32Array(6) });
    const d = b.depthwiseConv2d(xq, dw, { bias: dwb, pads: [1, 1, 1, 1], clamp: [0, 200] }, { dtype: 'uint8', quant: q8(0.05, 10) });
    expect(b.info(d).shape).toEqual([-1, 6, 6, 6]);
    const a = b.avgPool(d, { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, { dtype: 'uint8', quant: q8(0.05, 10) });
    const s = b.add(d, a, { clamp: [-5, 127] }, { dtype: 'int8', quant: q8(0.1, -5) });
    const g = b.globalAvgPool(s, {}, { dtype: 'int8', quant: q8(0.1) });
    expect(b.info(g).shape).toEqual([-1, 6]);
    const r = b.reshape(g, [-1, 2, 3]);
    const m = b.matmul(r, r, { transposeB: true }, { dtype: 'int8', quant: q8(0.5) });
    expect(b.info(m).shape).toEqual([-1, 2, 2]);
    const f = b.flatten(m);
    const wq = makeQuant({ scale: [0.1, 0.1], axis: 1 });
    const gm = b.gemm(f, weights(b, 'gw', [4, 2], wq), {}, { dtype: 'int8', quant: q8(0.3) });
    b.output(b.dequantize(gm, { name: 'out' }), a);
    const model = b.build();
    expect(model.nodes.map((n) => n.op)).toEqual(['quantize', 'depthwiseConv2d', 'avgPool', 'add', 'globalAvgPool', 'reshape', 'matmul', 'flatten', 'gemm', 'dequantize']);
    expect(model.outputs).toEqual(['out', a]);
    expectSameModel(decodeModel(encodeModel(model)), model);
  });

  it('stores int4 and int2 weights packed', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 3], q8(1));
    const w4 = b.constant({ name: 'w4', dtype: 'int4', shape: [3, 3], quant: makeQuant({ scale: 1, bits: 4 }), data: packCodes('int4', [-8, 7, 0, 1, -1, 2, 3, -3, 4]) });
    const w2 = b.constant({ name: 'w2', dtype: 'int2', shape: [3, 3], quant: makeQuant({ scale: 1, bits: 2 }), data: packCodes('int2', [-2, 1, 0, -1, 1, 1, 0, 0, -2]) });
    const y = b.gemm(b.gemm(x, w4, {}, { dtype: 'int8', quant: q8(1) }), w2, {}, { dtype: 'int8', quant: q8(1) });
    b.output(y);
    const model = b.build();
    expect(model.constants.map((c) => c.data.length)).toEqual([5, 3]);
    expectSameModel(decodeModel(encodeModel(model)), model);
  });

  it('names the failing call and leaves the builder unchanged after an error', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [1, 4, 4, 1], q8(0.1));
    const w = weights(b, 'w', [3, 3, 2, 1], makeQuant({ scale: 0.1 }));
    expectModelError(() => b.conv2d(x, w, {}, { name: 'y', dtype: 'int8', quant: q8(0.1) }), 'nodes[0].inputs[1]', /2 input channels per group; x has 1/);
    expectModelError(() => b.maxPool(x, { kernel: [5, 5] }), 'nodes[0].attrs', /does not fit/);
    expectModelError(() => b.quantize(x, { dtype: 'int8', quant: q8(1) }), 'nodes[0].inputs[0]', /must be float32/);
    expectModelError(() => b.input('x', 'float32', [1]), 'input.name', /already exists/);
    expectModelError(() => b.constant({ name: 'w', dtype: 'int8', shape: [1], quant: q8(1), data: new Int8Array(1) }), 'constant.name', /already exists/);
    expectModelError(() => b.output('nope'), 'outputs[0]', /not a value of this graph/);
    expectModelError(() => b.node('gemm', [x, w], { clamp: [0, 1] }), 'nodes[0].inputs[1]', /'w' must be rank 2 \[K, N\]/);
    expectModelError(() => b.node('gemm', [b.flatten(x), 'w2'], { clamp: [0, 1] }), 'nodes[1].inputs[1]', /'w2' is not defined/);
    // nothing half-added: the only node is the flatten that succeeded
    b.output(x);
    const model = b.build();
    expect(model.nodes.map((n) => n.op)).toEqual(['flatten']);
    expect(model.values.map((v) => v.name)).toEqual(['x', model.nodes[0].outputs[0]]);
  });

  it('rejects a clamp it cannot default and output dtypes it cannot infer', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [2, 3], q8(1));
    const xf = b.input('xf', 'float32', [2, 3]);
    const w = weights(b, 'w', [3, 2], q8(1));
    expectModelError(() => b.node('gemm', [xf, w]), 'nodes[0].attrs.clamp', /needs its output dtype and quant/);
    expectModelError(() => b.node('gemm', [x, w], { clamp: [-128, 127] }), 'nodes[0].outputs[0]', /needs the dtype/);
  });

  it('copies quant params, so later changes to the caller arrays do not reach the model', () => {
    const b = new ModelBuilder();
    const quant = q8(0.25, 1);
    const x = b.input('x', 'int8', [2], quant);
    b.output(x);
    quant.scale[0] = -1;
    expect(b.build().values[0].quant?.scale[0]).toBe(0.25);
  });

  it('build() validates the whole model: outputs are required', () => {
    const b = new GraphBuilder();
    b.input('x', 'float32', [1]);
    expectModelError(() => b.build(), 'outputs', /at least one output/);
  });
});

describe('the op registry', () => {
  it('lists the built-in ops', () => {
    // built-ins come first; under bun, ops other test files registered follow (one registry for all files)
    expect(listOps().slice(0, 25)).toEqual(['quantize', 'dequantize', 'conv2d', 'depthwiseConv2d', 'gemm', 'matmul', 'add', 'maxPool', 'avgPool', 'globalAvgPool', 'reshape', 'flatten', 'mul', 'sigmoid', 'tanh', 'exp', 'embedding', 'lstm', 'gru', 'concat', 'layerNorm', 'softmax', 'gelu', 'transpose', 'positionalAdd']);
    expect(getOpSchema('conv2d')?.inputs.map((i) => i.name)).toEqual(['x', 'w', 'b']);
    expect(getOpSchema('lstm')?.inputs.map((i) => i.name)).toEqual(['x', 'W', 'U', 'bias', 'h0', 'c0']);
    expect(getOpSchema('layerNorm')?.inputs.map((i) => i.name)).toEqual(['x', 'gamma', 'beta']);
  });

  it('takes a new op kind (a float op between dequantize and quantize), which then validates and round-trips', () => {
    const relu: OpSchema = {
      op: 'testFloatRelu',
      inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
      outputs: [{ name: 'y', dtypes: ['float32'] }],
      attrs: { alpha: { kind: 'int', min: 0, max: 10, default: 0 } },
      infer: (ctx) => [{ shape: ctx.inputs[0]!.shape, dtype: 'float32' }],
    };
    registerOp(relu);
    expectModelError(() => registerOp(relu), 'schema.op', /already registered/);
    expectModelError(() => registerOp({ ...relu, op: '1x' }), 'schema.op', /letters, digits/);
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 3]);
    b.output(b.node('testFloatRelu', [x])[0]);
    const model = b.build();
    expect(model.nodes[0].attrs).toEqual({ alpha: 0 });
    validateModel(decodeModel(encodeModel(model)));
  });
});
