import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConvertError,
  Module,
  Sequential,
  calibrate,
  convert,
  prepare,
  registerQuantizer,
  unregisterQuantizer,
  type LoweredValue,
  type LoweringContext,
  type QuantPointDecl,
  type Recipe,
} from '@qatjs/core';
import { runReference } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { randomNormal, tensorsLeaked, useBackend } from '@qatjs/test-utils';
import { TestDense, TestLoweredDense, testObservedQuantizer } from './helpers/test-layers.ts';
import { TwoHeaded } from './helpers/two-headed.ts';

const Q = 'test-observed';
const recipe: Recipe = {
  rules: [{ match: '*', weight: { quantizer: Q, bits: 8, perChannel: true }, input: { quantizer: Q, bits: 8 }, output: { quantizer: Q, bits: 8 }, points: {
    a: { quantizer: Q, bits: 8 }, b: { quantizer: Q, bits: 8 }, wa: { quantizer: Q, bits: 8, perChannel: true }, wb: { quantizer: Q, bits: 4 },
    left: { quantizer: Q, bits: 8 }, right: { quantizer: Q, bits: 8 }, sum: { quantizer: Q, bits: 8 },
  } }],
};

/** A layer that returns named tensors, which Sequential cannot chain. */
class Split extends Module<{ readonly x: tf.Tensor; readonly y: tf.Tensor }> {
  readonly kind = 'Split';
  forward(x: tf.Tensor) {
    return { x: tf.clone(x), y: tf.clone(x) };
  }
  lower(_ctx: LoweringContext, inputs: readonly LoweredValue[]) {
    return { x: inputs[0], y: inputs[0] };
  }
}

/** A dense layer whose lower() hands the IR a weight of the wrong shape. */
class BadDense extends TestDense {
  override quantPoints(): QuantPointDecl[] {
    return super.quantPoints();
  }
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.layerInput(this, inputs[0]);
    const w = ctx.weightConstant(this, this.weight, 1);
    const out = ctx.activationQuant(this, 'output');
    const wrong = ctx.builder.reshape(x.name, [-1, 2, 2], { name: ctx.name('reshape') }); // rank 3: gemm refuses it here
    const name = ctx.builder.gemm(wrong, w.name, {}, { name: ctx.name('output'), dtype: 'int8', quant: out });
    return { name, dtype: 'int8', quant: out };
  }
}

/** A dense layer whose lower() hands its input helper a value the graph does not have. */
class LostInput extends TestDense {
  lower(ctx: LoweringContext): LoweredValue {
    return ctx.layerInput(this, { name: 'nowhere', dtype: 'float32' });
  }
}

describe('convert: several inputs and named outputs', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerQuantizer(testObservedQuantizer);
  });
  afterAll(() => unregisterQuantizer(Q));

  it('converts a two-input, two-output module: one graph input per input, one output per name, equal to the fake-quant forward', async () => {
    const m = new TwoHeaded();
    prepare(m, recipe, { onWarning: () => {} });
    const n = 16;
    const a = () => tf.tensor(randomNormal(n * 4, 21), [n, 4]);
    const b = () => tf.tensor(randomNormal(n * 6, 22, 2), [n, 6]);
    const batch = [a(), b()];
    await calibrate(m, [batch]);
    m.eval();
    const leaked = tensorsLeaked(() => {
      const ir = convert(m, { inputs: [{ name: 'a', shape: [4], dtype: 'float32' }, { name: 'b', shape: [6], dtype: 'float32' }] });
      expect(ir.inputs).toEqual(['a', 'b']);
      expect(ir.outputs).toEqual(['left', 'sum']);
      expect(ir.constants.map((c) => `${c.name}:${c.dtype}`)).toEqual(['root.wa:int8', 'root.wa_bias:int32', 'root.wb:int4', 'root.wb_bias:int32']);
      const got = runReference(ir, { a: batch[0].dataSync() as Float32Array, b: batch[1].dataSync() as Float32Array });
      const want = tf.tidy(() => {
        const y = m.forward(batch[0], batch[1]);
        return { left: y.left.dataSync(), sum: y.sum.dataSync() };
      });
      for (const key of ['left', 'sum'] as const) {
        const step = m.getQuantizer(key)?.qparams().scale[0] ?? NaN;
        let worst = 0;
        for (let i = 0; i < want[key].length; i++) worst = Math.max(worst, Math.abs(got[key][i] - want[key][i]) / step);
        expect(worst).toBeLessThanOrEqual(1 + 1e-6);
        for (let r = 0; r < n; r++) {
          const row = (d: ArrayLike<number>) => Array.from({ length: 3 }, (_, j) => d[r * 3 + j]);
          const argmax = (v: number[]) => v.indexOf(Math.max(...v));
          expect({ output: key, row: r, argmax: argmax(row(got[key])) }).toEqual({ output: key, row: r, argmax: argmax(row(want[key])) });
        }
      }
    });
    expect(leaked).toBe(0);
    // the int runtime runs the same graph: both outputs equal the reference interpreter's, value for value
    const ir = convert(m, { inputs: [{ name: 'a', shape: [4], dtype: 'float32' }, { name: 'b', shape: [6], dtype: 'float32' }] });
    const inputs = { a: batch[0].dataSync() as Float32Array, b: batch[1].dataSync() as Float32Array };
    const session = await loadSession(ir);
    try {
      const got = session.run(inputs);
      const reference = runReference(ir, inputs);
      expect(Object.keys(got)).toEqual(['left', 'sum']);
      for (const key of ['left', 'sum']) expect(Array.from(got[key])).toEqual(Array.from(reference[key]));
    } finally {
      session.dispose();
    }
    tf.dispose(batch);
    m.dispose();
  });

  it('takes run-time sizes in a sample shape: a sequence of any length ([-2, 4] and [-2, 6], the same -2)', async () => {
    const m = new TwoHeaded();
    prepare(m, recipe, { onWarning: () => {} });
    const [n, steps] = [3, 5];
    const batch = [tf.tensor(randomNormal(n * steps * 4, 31), [n, steps, 4]), tf.tensor(randomNormal(n * steps * 6, 32), [n, steps, 6])];
    await calibrate(m, [batch]);
    m.eval();
    const ir = convert(m, { inputs: [{ name: 'a', shape: [-2, 4], dtype: 'float32' }, { name: 'b', shape: [-2, 6], dtype: 'float32' }] });
    expect(ir.values.find((v) => v.name === 'a')?.shape).toEqual([-1, -2, 4]);
    expect(ir.values.find((v) => v.name === 'sum')?.shape).toEqual([-1, -2, 3]);
    for (const t of [steps, 2]) {
      const a = tf.tensor(randomNormal(n * t * 4, 33 + t), [n, t, 4]);
      const b = tf.tensor(randomNormal(n * t * 6, 34 + t), [n, t, 6]);
      const got = runReference(ir, { a: { data: a.dataSync() as Float32Array, shape: [n, t, 4] }, b: { data: b.dataSync() as Float32Array, shape: [n, t, 6] } });
      const want = tf.tidy(() => m.forward(a, b).sum.dataSync());
      const step = m.getQuantizer('sum')?.qparams().scale[0] ?? NaN;
      expect(got.sum.length).toBe(n * t * 3);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got.sum[i] - want[i]) / step).toBeLessThanOrEqual(1 + 1e-6);
      tf.dispose([a, b]);
    }
    tf.dispose(batch);
    m.dispose();
  });

  it('rejects -1 in a sample shape (the batch), repeated input names, and mixed input options', async () => {
    const m = new TwoHeaded();
    prepare(m, recipe, { onWarning: () => {} });
    const batch = [tf.tensor(randomNormal(8, 1), [2, 4]), tf.tensor(randomNormal(12, 2), [2, 6])];
    await calibrate(m, [batch]);
    expect(() => convert(m, { inputs: [{ name: 'a', shape: [-1, 4], dtype: 'float32' }, { name: 'b', shape: [6], dtype: 'float32' }] })).toThrow(/inputs\[0\]\.shape must be the shape of one sample/);
    expect(() => convert(m, { inputs: [{ name: 'a', shape: [4], dtype: 'float32' }, { name: 'a', shape: [6], dtype: 'float32' }] })).toThrow(/unique among the inputs/);
    expect(() => convert(m, { inputs: [{ name: 'a', shape: [2 ** 40], dtype: 'float32' }, { name: 'b', shape: [6], dtype: 'float32' }] })).toThrow(ConvertError); // the IR's own limit
    expect(() => convert(m, { inputShape: [4], inputs: [{ name: 'a', shape: [4], dtype: 'float32' }] })).toThrow(/either inputs or inputShape/);
    expect(() => convert(m, { inputs: [{ name: 'a', shape: [4], dtype: 'float32' }, { name: 'b', shape: [6], dtype: 'float32' }], outputName: 'y' })).toThrow(/outputName is for a model with one output; this one returns left, sum/);
    tf.dispose(batch);
    m.dispose();
  });

  it('Sequential names the child that returns named values, in forward() and in convert()', async () => {
    const first = new TestLoweredDense(4, 4, false, 1);
    const seq = new Sequential([first, new Split()]);
    const x = tf.tensor(randomNormal(8, 3), [2, 4]);
    expect(tensorsLeaked(() => expect(() => seq.forward(x)).toThrow(/Sequential: child 1 \(Split\) returned named tensors \(x, y\)/))).toBe(0);
    prepare(seq, { rules: [{ match: '*', weight: { quantizer: Q, bits: 8 }, input: { quantizer: Q, bits: 8 }, output: { quantizer: Q, bits: 8 } }] }, { onWarning: () => {} });
    await calibrate(first, [x]); // the first child alone: the whole chain cannot run
    expect(() => convert(seq, { inputShape: [4] })).toThrow(ConvertError);
    expect(() => convert(seq, { inputShape: [4] })).toThrow(/^convert: <root>: child 1 \(Split\) lowered to named values \(x, y\); Sequential chains layers that return one value$/);
    x.dispose();
    seq.dispose();
  });

  it('reports an IR error raised while a layer lowers with the layer path, the point and the node name', async () => {
    const seq = new Sequential([new TestLoweredDense(4, 4, false, 1), new BadDense(3, 4, false, 2)]);
    prepare(seq, { rules: [{ match: '*', weight: { quantizer: Q, bits: 8 }, input: { quantizer: Q, bits: 8 }, output: { quantizer: Q, bits: 8 } }] }, { onWarning: () => {} });
    const data = tf.tensor(randomNormal(8, 4), [2, 4]);
    await calibrate(seq, [data]);
    let error: unknown;
    try {
      convert(seq, { inputShape: [4] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConvertError);
    const message = (error as Error).message;
    expect(message).toMatch(/^convert: 1 \(output\): node '1\.output'/);
    expect(message).not.toMatch(/nodes\[/);
    data.dispose();
    seq.dispose();
  });

  it('names the point of a helper (here the input cast) in which the IR refuses a node', async () => {
    const seq = new Sequential([new LostInput(3, 4, false, 2)]);
    prepare(seq, { rules: [{ match: '*', weight: { quantizer: Q, bits: 8 }, input: { quantizer: Q, bits: 8 }, output: { quantizer: Q, bits: 8 } }] }, { onWarning: () => {} });
    const data = tf.tensor(randomNormal(8, 4), [2, 4]);
    await calibrate(seq, [data]);
    expect(() => convert(seq, { inputShape: [4] })).toThrow(/^convert: 0 \(input\): node '0\.quantize'.*nowhere/);
    data.dispose();
    seq.dispose();
  });
});
