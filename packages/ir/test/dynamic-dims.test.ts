import { describe, expect, it } from 'vitest';
import {
  ModelBuilder, decodeModel, encodeModel, registerOp, runReference, validateModel, type IntModel,
} from '@qatjs/ir';
import { addWeights, q } from './reference-helpers.ts';
import { expectModelError, expectSameModel, mutableCopy } from './helpers.ts';

// Run-time sizes other than the batch: -2, -3, ... carried through shape inference, validated,
// written to the file, and filled in by the reference interpreter from { data, shape } inputs.

/** x float32 [-1, -2, 4] -> quantize -> gemm [4, 3] -> reshape [-1, -2, 3, 1] -> dequantize. */
function sequenceDense(xShape: number[] = [-1, -2, 4]): IntModel {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', xShape);
  const xq = b.quantize(x, { name: 'xq', dtype: 'int8', quant: q(0.5, 1) });
  const w = addWeights(b, 'w', 'int8', [4, 3], [1, -2, 0, 3, 1, -1, 0, 2, 2, -3, 0, 1], q(0.25));
  const y = b.gemm(xq, w, {}, { name: 'y', dtype: 'int8', quant: q(0.5, -2) });
  const r = b.reshape(y, [...xShape.slice(0, -1), 3, 1], { name: 'r' });
  b.output(b.dequantize(r, { name: 'out' }));
  return b.build();
}

const X = Float32Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5 + (i % 3) * 0.25);

describe('dynamic dims', () => {
  it('carries run-time sizes through shape inference', () => {
    const model = sequenceDense();
    expect(Object.fromEntries(model.values.map((v) => [v.name, v.shape]))).toEqual({
      x: [-1, -2, 4], xq: [-1, -2, 4], y: [-1, -2, 3], r: [-1, -2, 3, 1], out: [-1, -2, 3, 1],
    });
    expectSameModel(decodeModel(encodeModel(model)), model);
  });

  it('runs with each size fixed by { data, shape }, equal to the static model row by row', () => {
    const dynamic = runReference(sequenceDense(), { x: { data: X, shape: [2, 3, 4] } }).out;
    const fixed = runReference(sequenceDense([6, 4]), { x: X }).out;
    expect(Array.from(dynamic)).toEqual(Array.from(fixed));
    const other = runReference(sequenceDense(), { x: { data: X, shape: [3, 2, 4] } }, { batch: 3 }).out;
    expect(Array.from(other)).toEqual(Array.from(fixed));
    const seq = runReference(sequenceDense([-2, 4]), { x: { data: X, shape: [6, 4] } }).out;
    expect(Array.from(seq)).toEqual(Array.from(fixed));
  });

  it('reshape keeps the same run-time sizes and checks the static product', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, -2, 4], q(1));
    expect(b.info(b.reshape(x, [-1, -2, 2, 2])).shape).toEqual([-1, -2, 2, 2]);
    expect(b.info(b.reshape(x, [-1, 4, -2])).shape).toEqual([-1, 4, -2]);
    expectModelError(() => b.reshape(x, [-1, -2, 8]), /attrs\.shape$/, /does not hold/);
    expectModelError(() => b.reshape(x, [-1, -3, 4]), /attrs\.shape$/, /same run-time sizes as x \[-1, -2, 4\]: \[-2, -1\]/);
    expectModelError(() => b.reshape(x, [-1, 4]), /attrs\.shape$/, /same run-time sizes/);
    expectModelError(() => b.reshape(x, [-2, -1, 4]), /attrs\.shape$/, /-1 \(the batch\) is allowed at dim 0 only/);
  });

  it('matmul matches equal run-time sizes in batch dims and lets M, N vary', () => {
    const b = new ModelBuilder();
    const a = b.input('a', 'int8', [-1, -2, 2], q(0.5));
    const k = b.input('k', 'int8', [-1, -2, 2], q(0.5));
    const s = b.matmul(a, k, { transposeB: true }, { name: 's', dtype: 'int8', quant: q(0.25) });
    expect(b.info(s).shape).toEqual([-1, -2, -2]);
    b.output(s);
    const model = b.build();
    // a = [[1, 2], [3, -1]], k = [[2, 0], [1, 1]]: a k^T = [[2, 3], [6, 2]]; m = 0.5 * 0.5 / 0.25 = 1
    const out = runReference(model, { a: { data: Int8Array.of(1, 2, 3, -1), shape: [1, 2, 2] }, k: { data: Int8Array.of(2, 0, 1, 1), shape: [1, 2, 2] } });
    expect(Array.from(out.s)).toEqual([2, 3, 6, 2]);
    const c = b.input('c', 'int8', [-1, -3, 2], q(0.5));
    expectModelError(() => b.matmul(a, c, { transposeB: false }, { dtype: 'int8', quant: q(1) }), /inputs$/, /inner dims|leading dims/);
    const d = b.input('d', 'int8', [-1, -2, 4], q(0.5));
    expectModelError(() => b.matmul(b.input('e', 'int8', [-1, 3, -2], q(0.5)), d, {}, { dtype: 'int8', quant: q(1) }), /inputs$/, /K of a .* must be static/);
  });

  it('window ops and flatten need static dims after the batch', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, -2, 4, 1], q(1));
    const w = addWeights(b, 'w', 'int8', [1, 1, 1, 1], [1], q(1));
    expectModelError(() => b.conv2d(x, w, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs[0]', /static H, W and Cin/);
    expectModelError(() => b.maxPool(x, { kernel: [1, 1] }), 'nodes[0].inputs[0]', /static H, W and C/);
    expectModelError(() => b.globalAvgPool(x, {}, { dtype: 'int8', quant: q(1) }), 'nodes[0].inputs[0]', /static H, W and C/);
    expectModelError(() => b.flatten(x), 'nodes[0].inputs[0]', /static dims after dim 0/);
    const n = b.input('n', 'int8', [-2, 4, 4, 1], q(1));
    expect(b.info(b.conv2d(n, w, {}, { dtype: 'int8', quant: q(1) })).shape).toEqual([-2, 4, 4, 1]);
  });

  it('validates dims: -1 at dim 0 only, other run-time sizes anywhere in values, none in constants', () => {
    const model = sequenceDense();
    const bad = (f: (m: ReturnType<typeof mutableCopy>) => void) => {
      const m = mutableCopy(model);
      f(m);
      return () => validateModel(m);
    };
    expectModelError(bad((m) => { m.values[0].shape = [-1, -1, 4]; }), 'values[0].shape[1]', /-1 at dim 0/);
    expectModelError(bad((m) => { m.values[0].shape = [-1, 0, 4]; }), 'values[0].shape[1]');
    expectModelError(bad((m) => { m.values[0].shape = [-1, -(2 ** 16) - 1, 4]; }), 'values[0].shape[1]');
    expectModelError(bad((m) => { m.constants[0].shape = [-2, 3]; }), 'constants[0].shape[0]', /integer >= 1, got -2/);
    expectModelError(bad((m) => { m.values[1].shape = [-1, -3, 4]; }), 'nodes[0].outputs[0]', /declared \[-1, -3, 4\] but quantize gives \[-1, -2, 4\]/);
  });

  it('names each problem with dynamic inputs', () => {
    const model = sequenceDense();
    const run = (x: unknown, options?: object) => () => runReference(model, { x } as never, options);
    expectModelError(run(X), 'inputs.x', /run-time sizes other than the batch: give \{ data, shape \}/);
    expectModelError(run({ data: X, shape: [2, 3] }), 'inputs.x.shape', /list of 3 dims/);
    expectModelError(run({ data: X, shape: [2, 3, 5] }), 'inputs.x.shape[2]', /static dim 4/);
    expectModelError(run({ data: X, shape: [2, 0, 4] }), 'inputs.x.shape[1]', /positive integer/);
    expectModelError(run({ data: X, shape: [2, 2, 4] }), 'inputs.x.data', /has 24 elements; shape \[2, 2, 4\] holds 16/);
    expectModelError(run({ data: X, shape: [2, 3, 4], layout: 'nhwc' }), 'inputs.x.layout', /unknown field/);
    expectModelError(run({ data: Int8Array.of(1), shape: [1, 1, 4] }), 'inputs.x.data', /needs a Float32Array/);
    expectModelError(run({ data: X, shape: [2, 3, 4] }, { batch: 3 }), 'inputs.x.shape[0]', /run-time size -1 is 2 here, but options.batch says 3/);
  });

  it('needs every input to agree on each size', () => {
    const b = new ModelBuilder();
    const a = b.input('a', 'float32', [-2, 2]);
    const c = b.input('c', 'float32', [-2, -2]);
    b.output(b.quantize(a, { name: 'qa', dtype: 'int8', quant: q(1) }), b.quantize(c, { name: 'qc', dtype: 'int8', quant: q(1) }));
    const model = b.build();
    const a3 = { data: new Float32Array(6), shape: [3, 2] };
    expect(runReference(model, { a: a3, c: { data: new Float32Array(9), shape: [3, 3] } }).qc.length).toBe(9);
    expectModelError(() => runReference(model, { a: a3, c: { data: new Float32Array(6), shape: [3, 2] } }), 'inputs.c.shape[1]', /-2 is 2 here, but input 'a' says 3/);
    expectModelError(() => runReference(model, { a: { data: new Float32Array(6), shape: [2, 3] } as never, c: a3 }), 'inputs.a.shape[1]', /static dim 2/);
    expectModelError(() => runReference(model, { a: a3, c: { data: new Float32Array(6), shape: [2, 3] } }), 'inputs.c.shape[0]', /-2 is 2 here, but input 'a' says 3/);
    expectModelError(() => runReference(model, { a: a3, c: { data: new Float32Array(12), shape: [4, 3] } }), 'inputs.c.shape[0]', /input 'a' says 3/);
  });

  it('names an output whose run-time size no input fixes', () => {
    registerOp({
      op: 'testNewSize',
      inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
      outputs: [{ name: 'y', dtypes: ['float32'] }],
      attrs: {},
      infer: () => [{ shape: [-5], dtype: 'float32' }],
    });
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [2]);
    b.output(b.node('testNewSize', [x], {}, [{ name: 'y' }])[0]);
    expectModelError(() => runReference(b.build(), { x: new Float32Array(2) }), 'outputs[0]', /'y' \[-5\] uses run-time size -5, which no input fixes/);
  });
});
