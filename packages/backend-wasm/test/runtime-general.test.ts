// The runtime beyond one input and a batch: two inputs and two outputs, run-time sizes other than
// the batch (-2), rank-3 gemm, add broadcasting, matmul over a run-time batch, asymmetric weights
// (per-channel and per-tensor zero points) in gemm, conv2d and depthwiseConv2d: equal to the
// reference interpreter code for code.
import { describe, expect, it } from 'vitest';
import { ModelBuilder, biasQuant, encodeModel, makeQuant, runReference, type IntModel, type QuantParams } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';

const q8 = (scale: number, zeroPoint = 0) => makeQuant({ scale, zeroPoint, bits: 8 });

function weights(b: ModelBuilder, r: Rand, name: string, shape: number[], axis: number, perChannel: boolean): { w: string; quant: QuantParams } {
  const count = shape.reduce((a, d) => a * d, 1);
  const ch = shape[axis];
  const scale = 0.02 / Math.sqrt(count / ch);
  const quant = perChannel
    ? makeQuant({ scale: Array.from({ length: ch }, () => scale * (0.5 + r.next())), zeroPoint: Array.from({ length: ch }, () => r.int(-20, 20)), bits: 8, axis })
    : makeQuant({ scale, zeroPoint: r.int(-20, 20), bits: 8 });
  const w = b.constant({ name, dtype: 'int8', shape, quant, data: Int8Array.from({ length: count }, () => r.int(-128, 127)) });
  return { w, quant };
}

function bias(b: ModelBuilder, r: Rand, name: string, x: string, quant: QuantParams, n: number): string {
  return b.constant({ name, dtype: 'int32', shape: [n], quant: biasQuant(b.info(x).quant as QuantParams, quant, n), data: Int32Array.from({ length: n }, () => r.int(-2000, 2000)) });
}

/** x [-1, -2, 6] and z [-1, -2, 4] in; 'sum' (float32) and 'scores' (int8 codes [-1, -2, -2]) out. */
function twoInTwoOut(seed: number, perChannel: boolean): IntModel {
  const r = new Rand(seed);
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, -2, 6]);
  const z = b.input('z', 'float32', [-1, -2, 4]);
  const qx = b.quantize(x, { dtype: 'int8', quant: q8(0.05, 3) });
  const qz = b.quantize(z, { dtype: 'uint8', quant: q8(0.04, 120) });
  const { w, quant } = weights(b, r, 'w', [6, 4], 1, perChannel);
  const g = b.gemm(qx, w, { bias: bias(b, r, 'bias', qx, quant, 4) }, { dtype: 'int8', quant: q8(0.1, -5) });
  const s = b.add(g, qz, {}, { dtype: 'int8', quant: q8(0.12, 2) });
  const scores = b.matmul(s, qz, { transposeB: true }, { name: 'scores', dtype: 'int8', quant: q8(0.3, -1) });
  const sum = b.dequantize(s, { name: 'sum' });
  b.output(sum, scores);
  return b.build();
}

function same(got: Record<string, ArrayLike<number>>, want: Record<string, ArrayLike<number>>, names: readonly string[]): void {
  expect(Object.keys(got)).toEqual([...names]);
  for (const n of names) {
    expect(got[n].constructor).toBe(want[n].constructor);
    expect(Array.from(got[n])).toEqual(Array.from(want[n]));
  }
}

describe('two inputs, two outputs, a run-time sequence length', () => {
  for (const perChannel of [true, false]) {
    it(`gemm (rank 3, ${perChannel ? 'per-channel' : 'per-tensor'} weight zero points) + add + matmul over the batch: equal to runReference`, async () => {
      const model = twoInTwoOut(perChannel ? 1 : 2, perChannel);
      const session = await loadSession(encodeModel(model));
      expect(session.inputs.map((i) => [i.name, i.shape])).toEqual([['x', [-1, -2, 6]], ['z', [-1, -2, 4]]]);
      expect(session.outputs.map((o) => [o.name, o.shape])).toEqual([['sum', [-1, -2, 4]], ['scores', [-1, -2, -2]]]);
      const r = new Rand(9);
      for (const [batch, seq] of [[1, 1], [2, 5], [3, 2], [2, 5], [1, 9], [4, 3], [2, 7]]) {
        const inputs = {
          x: { data: Float32Array.from({ length: batch * seq * 6 }, () => (r.next() - 0.5) * 10), shape: [batch, seq, 6] },
          z: { data: Float32Array.from({ length: batch * seq * 4 }, () => (r.next() - 0.5) * 10), shape: [batch, seq, 4] },
        };
        same(session.run(inputs), runReference(model, inputs), model.outputs);
      }
      session.dispose();
    });
  }

  it('rejects inputs that disagree on a run-time size, and a bare array where the shape is needed', async () => {
    const model = twoInTwoOut(3, true);
    const session = await loadSession(model);
    const x = { data: new Float32Array(2 * 3 * 6), shape: [2, 3, 6] };
    expect(() => session.run({ x, z: { data: new Float32Array(2 * 4 * 4), shape: [2, 4, 4] } })).toThrow(/input 'z' .shape: run-time size -2 is 4 here, but input 'x' says 3/);
    expect(() => session.run({ x, z: { data: new Float32Array(3 * 3 * 4), shape: [3, 3, 4] } })).toThrow(/run-time size -1 is 3 here, but input 'x' says 2/);
    expect(() => session.run({ x, z: new Float32Array(2 * 3 * 4) })).toThrow(/input 'z' \[-1, -2, 4\] has run-time sizes other than the batch: give \{ data, shape \}/);
    expect(() => session.run({ x: { data: new Float32Array(5), shape: [1, 1, 6] }, z: x })).toThrow(/input 'x' .data has 5 elements; shape \[1, 1, 6\] holds 6/);
    expect(() => session.run({ x: { data: new Float32Array(6), shape: [1, 1, 7] }, z: x })).toThrow(/input 'x' .shape\[2\] is 7, but the declared shape \[-1, -2, 6\] has 6 there/);
    expect(() => session.run({ x: { data: new Float32Array(6), shape: [1, 6] }, z: x })).toThrow(/.shape must list 3 dims/);
    expect(() => session.run({ x: { data: new Float32Array(6), shape: [1, 1, 6], extra: 1 } as never, z: x })).toThrow(/unknown field 'extra'/);
    expect(() => session.run({ x, z: x }, { batch: 3 })).toThrow(/run-time size -1 is 2 here, but options.batch says 3/);
    session.dispose();
  });
});

describe('asymmetric weights in conv2d and depthwiseConv2d', () => {
  for (const perChannel of [true, false]) {
    it(`${perChannel ? 'per-channel' : 'per-tensor'} weight zero points: equal to runReference`, async () => {
      const r = new Rand(perChannel ? 11 : 12);
      const b = new ModelBuilder();
      const x = b.input('image', 'float32', [-1, 7, 6, 3]);
      const qx = b.quantize(x, { dtype: 'uint8', quant: q8(0.03, 100) });
      const c = weights(b, r, 'cw', [3, 3, 3, 5], 3, perChannel);
      const y = b.conv2d(qx, c.w, { bias: bias(b, r, 'cb', qx, c.quant, 5), pads: [1, 1, 1, 0], strides: [1, 2] }, { dtype: 'int8', quant: q8(0.08, -10) });
      const d = weights(b, r, 'dw', [3, 3, 5, 2], 2, perChannel);
      const z = b.depthwiseConv2d(y, d.w, { bias: bias(b, r, 'db', y, d.quant, 10), pads: [1, 1, 1, 1] }, { dtype: 'int8', quant: q8(0.1, 4) });
      const flat = b.flatten(z);
      const g = weights(b, r, 'gw', [7 * 3 * 10, 6], 1, perChannel);
      const logits = b.gemm(flat, g.w, {}, { dtype: 'int8', quant: q8(0.2, 0) });
      b.output(b.dequantize(logits, { name: 'logits' }), z);
      const model = b.build();
      const session = await loadSession(encodeModel(model));
      for (const batch of [1, 3]) {
        const image = Float32Array.from({ length: batch * 7 * 6 * 3 }, () => r.next() * 7);
        same(session.run({ image }), runReference(model, { image }), model.outputs);
      }
      session.dispose();
    });
  }
});
