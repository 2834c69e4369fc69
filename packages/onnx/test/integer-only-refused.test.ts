import { describe, expect, it } from 'vitest';
import { ModelBuilder, makeQuant } from '@qatjs/ir';
import { OnnxExportError, exportOnnx } from '../src/index.ts';

// I-BERT's integer-only ops have no exact ONNX form: export refuses them, naming the node and the op.
describe('integer-only ops and ONNX', () => {
  for (const op of ['iGelu', 'iSoftmax', 'iLayerNorm']) {
    it(`${op} is refused with a clear message`, () => {
      const b = new ModelBuilder();
      const x = b.input('x', 'int8', [-1, 4, 4], makeQuant({ scale: 0.05 }));
      const g = b.constant({ name: 'g', dtype: 'float32', shape: [4], data: new Float32Array(4).fill(1) });
      const inputs = op === 'iLayerNorm' ? [x, g, g] : [x];
      const attrs = op === 'iLayerNorm' ? { eps: 1e-5 } : {};
      const y = b.node(op, inputs, attrs, [{ name: 'y', dtype: 'int8', quant: makeQuant({ scale: 0.05 }) }])[0];
      b.output(b.dequantize(y, { name: 'out' }));
      const model = b.build();
      expect(() => exportOnnx(model)).toThrow(OnnxExportError);
      expect(() => exportOnnx(model, { opset: 21 })).toThrow(new RegExp(`'y'.*'${op}' is an I-BERT integer-only op.*no exact form`));
    });
  }
});
