import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant } from '@qatjs/ir';
import { decodeModelProto, exportOnnx } from '../src/index.ts';

// inputShapes: a run-time size fixed by an input's shape reaches every value and reshape that holds it.

function model() {
  const b = new ModelBuilder();
  const x = b.input('input', 'float32', [-1, -2, 4]);
  const q = b.quantize(x, { name: 'seq.input', dtype: 'int8', quant: makeQuant({ scale: 0.1 }) });
  b.output(b.dequantize(b.reshape(q, [-1, -2, 2, 2], { name: 'seq.reshape' }), { name: 'output' }));
  return b.build();
}

describe('inputShapes', () => {
  it('fixes a run-time size in the inputs, outputs and reshapes, keeping the batch', () => {
    const g = decodeModelProto(exportOnnx(model(), { inputShapes: { input: [null, 7, 4] } })).graph;
    expect(g.input[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 7 }, { dim_value: 4 }]);
    expect(g.output[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 7 }, { dim_value: 2 }, { dim_value: 2 }]);
    const unfixed = decodeModelProto(exportOnnx(model())).graph;
    expect(unfixed.input[0].type.tensor_type.shape.dim[1]).toEqual({ dim_param: 'd2' });
  });

  it('refuses bad shapes, naming the input and the dim', () => {
    expect(() => exportOnnx(model(), { inputShapes: { input: [null, 7, 5] } })).toThrow(/inputShapes.input\[2\] is 5, but that dim of input 'input' is static, 4/);
    expect(() => exportOnnx(model(), { inputShapes: { input: [null, 0, 4] } })).toThrow(/inputShapes.input must be an array of positive integers/);
    expect(() => exportOnnx(model(), { inputShapes: [] as never })).toThrow(/inputShapes must be an object/);
  });
});
