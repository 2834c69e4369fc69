import { describe, expect, it } from 'vitest';
import {
  ModelBuilder, getReferenceOp, listOps, listReferenceOps, registerOp, registerReferenceOp, runReference, traceReference,
  type IntModel, type OpSchema,
} from '@qatjs/ir';
import { buildSmall } from './fixtures/small.ts';
import { expectModelError, mutableCopy } from './helpers.ts';
import { q } from './reference-helpers.ts';

/** Two inputs: x float32 [-1, 3] quantized, and k int8 [-1, 2] with a 4-bit grid; both flattened out. */
function twoInputs(): IntModel {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, 3]);
  const k = b.input('k', 'int8', [-1, 2], q(0.5, 0, 4));
  b.output(b.quantize(x, { name: 'xq', dtype: 'int8', quant: q(0.5) }), b.reshape(k, [-1, 2, 1], { name: 'k3' }));
  return b.build();
}

/** A float32 op schema for the registry tests: y has x's shape. */
function floatOp(op: string, outDType: 'float32' | 'int8' = 'float32'): OpSchema {
  return {
    op,
    inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
    outputs: [{ name: 'y', dtypes: [outDType] }],
    attrs: {},
    infer: (ctx) => [{ shape: (ctx.inputs[0] as { shape: readonly number[] }).shape }],
  };
}

/** quantize -> <op> -> output, on x float32 [-1, 2]. */
function modelWith(op: string, outDType: 'float32' | 'int8' = 'float32'): IntModel {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, 2]);
  const y = b.node(op, [x], {}, [{ name: 'y', dtype: outDType, ...(outDType === 'int8' ? { quant: q(1, 0, 4) } : {}) }])[0];
  b.output(y);
  return b.build();
}

describe('runReference: inputs and the batch', () => {
  const model = twoInputs();
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  const k = Int8Array.of(1, -2, 3, 7);

  it('fixes the batch from the input lengths and returns outputs in their dtype class', () => {
    const out = runReference(model, { x, k });
    expect(Object.keys(out)).toEqual(['xq', 'k3']);
    expect(out.xq).toBeInstanceOf(Int8Array);
    expect(Array.from(out.xq)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(Array.from(out.k3)).toEqual([1, -2, 3, 7]);
    expect(Array.from(runReference(model, { x, k }, { batch: 2 }).k3)).toEqual([1, -2, 3, 7]);
  });

  it('names each problem with the inputs', () => {
    expectModelError(() => runReference(model, { x }), 'inputs.k', /missing: the model needs input 'k' \(int8 \[-1, 2\]\)/);
    expectModelError(() => runReference(model, { x, k, z: k }), 'inputs.z', /no input named 'z' \(inputs: x, k\)/);
    expectModelError(() => runReference(model, { x, k: Uint8Array.of(1, 2) }), 'inputs.k', /int8 input needs a Int8Array, got a Uint8Array/);
    expectModelError(() => runReference(model, { x: Float32Array.of(1, 2), k }), 'inputs.x', /2 elements, not a positive multiple of 3/);
    expectModelError(() => runReference(model, { x: new Float32Array(0), k }), 'inputs.x', /0 elements, not a positive multiple of 3/);
    expectModelError(() => runReference(model, { x: new Float32Array(9), k }), 'inputs.k', /holds a batch of 2 .* but input 'x' says 3/);
    expectModelError(() => runReference(model, { x, k }, { batch: 3 }), 'inputs.x', /holds a batch of 2 .* but options.batch says 3/);
    expectModelError(() => runReference(model, { x, k: Int8Array.of(1, 8, 0, 0) }), 'inputs.k[1]', /code 8 is outside the 4-bit int8 grid/);
    expectModelError(() => runReference(model, null as never), 'inputs', /must be an object/);
  });

  it('checks the options', () => {
    expectModelError(() => runReference(model, { x, k }, { batch: 0 }), 'options.batch', /positive integer, got 0/);
    expectModelError(() => runReference(model, { x, k }, { batch: 1.5 }), 'options.batch', /positive integer/);
    expectModelError(() => runReference(model, { x, k }, { batchSize: 2 } as never), 'options.batchSize', /unknown option/);
    const fixed = new ModelBuilder();
    fixed.output(fixed.dequantize(fixed.input('x', 'int8', [2], q(1)), { name: 'y' }));
    expectModelError(() => runReference(fixed.build(), { x: Int8Array.of(1, 2) }, { batch: 1 }), 'options.batch', /no run-time batch/);
    expectModelError(() => runReference(fixed.build(), { x: Int8Array.of(1, 2, 3) }), 'inputs.x', /has 3 elements; shape \[2\] holds 2/);
  });

  it('validates the model first', () => {
    const broken = mutableCopy(buildSmall());
    broken.nodes[1].attrs.strides = [0, 1];
    expectModelError(() => runReference(broken, { x: new Float32Array(128) }), 'nodes[1].attrs.strides', /list of 2 integers/);
  });

  it('returns arrays that alias neither the inputs nor each other', () => {
    const codes = Int8Array.of(1, -2, 3, 7);
    const out = runReference(model, { x, k: codes });
    codes[0] = 5;
    expect(Array.from(out.k3)).toEqual([1, -2, 3, 7]);
    const b = new ModelBuilder();
    const r = b.reshape(b.input('x', 'int8', [2, 2], q(1)), [4], { name: 'r' });
    b.output(r, b.flatten(b.reshape(r, [1, 4], { name: 'r2' }), { name: 'f' }));
    const both = runReference(b.build(), { x: codes });
    both.r[1] = 0;
    expect(Array.from(both.f)).toEqual([5, -2, 3, 7]);
  });
});

describe('traceReference', () => {
  it('returns every value with its concrete shape', () => {
    const trace = traceReference(buildSmall(), { x: new Float32Array(3 * 128).fill(0.1) });
    expect([...trace.keys()]).toEqual(['x', 'xq', 'conv', 'pool', 'flat', 'fc', 'y']);
    expect(trace.get('conv')?.shape).toEqual([3, 8, 8, 4]);
    expect(trace.get('flat')?.shape).toEqual([3, 64]);
    // x = 0.1 quantizes to round(0.1 / fround(0.02)) - 10 = 5 - 10 = -5
    expect(new Set(trace.get('xq')?.data)).toEqual(new Set([-5]));
  });
});

describe('reference kernels of registered ops', () => {
  it('lists a kernel for every built-in op', () => {
    for (const op of ['quantize', 'dequantize', 'conv2d', 'depthwiseConv2d', 'gemm', 'matmul', 'add', 'maxPool', 'avgPool', 'globalAvgPool', 'reshape', 'flatten', 'mul', 'sigmoid', 'tanh', 'exp']) {
      expect(listOps()).toContain(op);
      expect(listReferenceOps()).toContain(op);
      expect(typeof getReferenceOp(op)).toBe('function');
    }
  });

  it('throws a clear error for an op without a reference, and runs it once one is registered', () => {
    registerOp(floatOp('refRunDouble'));
    const model = modelWith('refRunDouble');
    expectModelError(() => runReference(model, { x: Float32Array.of(1, 2) }), 'nodes[0].op', /no reference implementation of op 'refRunDouble' \(node 'y'\); add one with registerReferenceOp/);
    registerReferenceOp('refRunDouble', ({ inputs: [x] }) => [Float32Array.from(x.data, (v) => 2 * v)]);
    expect(Array.from(runReference(model, { x: Float32Array.of(1, -2, 3, 4) }).y)).toEqual([2, -4, 6, 8]);
  });

  it('refuses a second reference for an op, and a reference for an op with no schema', () => {
    expectModelError(() => registerReferenceOp('conv2d', () => []), 'op', /'conv2d' already has a reference/);
    expectModelError(() => registerReferenceOp('refRunNoSchema', () => []), 'op', /no op schema named "refRunNoSchema": register it with registerOp/);
    registerOp(floatOp('refRunNotAFunction'));
    expectModelError(() => registerReferenceOp('refRunNotAFunction', 3 as never), 'kernel', /must be a function/);
  });

  it('checks what a registered kernel returns: class, length and grid', () => {
    registerOp(floatOp('refRunShort'));
    registerReferenceOp('refRunShort', () => [new Float32Array(1)]);
    expectModelError(() => runReference(modelWith('refRunShort'), { x: Float32Array.of(1, 2) }), 'nodes[0].outputs[0]', /must return a Float32Array of 2 elements for 'y' \[1, 2\]/);
    registerOp(floatOp('refRunOffGrid', 'int8'));
    registerReferenceOp('refRunOffGrid', () => [Int8Array.of(0, 8)]);
    expectModelError(() => runReference(modelWith('refRunOffGrid', 'int8'), { x: Float32Array.of(1, 2) }), 'nodes[0].outputs[0]', /produced code 8 at \[1\], outside the grid of 'y'/);
    registerOp(floatOp('refRunNotAList'));
    registerReferenceOp('refRunNotAList', () => new Float32Array(2) as never);
    expectModelError(() => runReference(modelWith('refRunNotAList'), { x: Float32Array.of(1, 2) }), 'nodes[0].outputs', /must return 1 array\(s\)/);
  });
});
