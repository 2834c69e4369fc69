import { describe, expect, it } from 'vitest';
import { ModelBuilder, decodeModel, encodeModel, runReference, sigmoidFloat, validateModel } from '@qatjs/ir';
import { addWeights, q } from './reference-helpers.ts';
import { expectModelError, expectSameModel } from './helpers.ts';

// A graph with two named inputs and two named outputs, as a recurrent cell has (tokens and state in,
// output and next state out): built, validated, written and read back, and run.

/**
 * x float32 [-1, -2, 4] -> quantize (s 0.5) -> gemm by the identity (s_w 1, y s 0.5: m = 1) -> g
 * h int8 [-1, 1, 4] (s 0.5) ; y = dequantize(add(g, h)) (broadcast over -2, y s 0.5)
 * hNext = sigmoid(dequantize(h))
 */
function cell() {
  const b = new ModelBuilder({ metadata: { producer: 'multi-io' } });
  const x = b.input('x', 'float32', [-1, -2, 4]);
  const h = b.input('h', 'int8', [-1, 1, 4], q(0.5));
  const xq = b.quantize(x, { name: 'xq', dtype: 'int8', quant: q(0.5) });
  const w = addWeights(b, 'w', 'int8', [4, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], q(1));
  const g = b.gemm(xq, w, {}, { name: 'g', dtype: 'int8', quant: q(0.5) });
  const s = b.add(g, h, {}, { name: 's', dtype: 'int8', quant: q(0.5) });
  b.output(b.dequantize(s, { name: 'y' }), b.sigmoid(b.dequantize(h, { name: 'hf' }), { name: 'hNext' }));
  return b.build();
}

describe('several inputs and outputs', () => {
  it('build, validate and round-trip the file', () => {
    const model = cell();
    expect(model.inputs).toEqual(['x', 'h']);
    expect(model.outputs).toEqual(['y', 'hNext']);
    validateModel(model);
    expectSameModel(decodeModel(encodeModel(model)), model);
  });

  it('run in the reference interpreter: y = x + h / 2 broadcast over time, hNext = sigmoid(h / 2)', () => {
    const x = Float32Array.of(1, -1, 0.5, 2, 0, 3, -2.5, 1.5, 4, 4, -4, 0, 0.5, 0.5, 0.5, 0.5); // [2, 2, 4]
    const h = Int8Array.of(2, -2, 0, 4, 1, 3, -1, 0); // [2, 1, 4]
    const out = runReference(decodeModel(encodeModel(cell())), { x: { data: x, shape: [2, 2, 4] }, h });
    expect(Object.keys(out)).toEqual(['y', 'hNext']);
    const want = Array.from(x, (v, i) => v + h[Math.floor(i / 8) * 4 + (i % 4)] / 2);
    expect(Array.from(out.y)).toEqual(want);
    expect(Array.from(out.hNext)).toEqual(Array.from(h, (v) => sigmoidFloat(v / 2)));
  });

  it('needs both inputs, agreeing on the batch', () => {
    const model = cell();
    const x = { data: new Float32Array(8), shape: [1, 2, 4] };
    expectModelError(() => runReference(model, { x }), 'inputs.h', /missing/);
    expectModelError(() => runReference(model, { x, h: new Int8Array(8) }), 'inputs.h', /holds a batch of 2 .* but input 'x' says 1/);
  });
});
