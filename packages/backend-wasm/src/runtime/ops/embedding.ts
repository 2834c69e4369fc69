// embedding: token ids [...] -> rows [..., D] of the table moved onto y's grid. Every output code
// depends only on (token, d), so the builder computes the whole table of output codes once, with
// @qatjs/ir's own quantizeValue(dequantizeValue(...)) (exactly the schema's formula), and a run copies rows.
import { constantCodes, dequantizeValue, elementCount, quantizeValue, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import type { Int8T } from './common.ts';

export function embeddingStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const table = ctx.constant(node.inputs[1]);
  const [vocab, dim] = table.shape;
  const q = table.quant;
  if (!q) throw new BackendWasmError(`constant '${table.name}': an embedding table needs quant params`);
  const out = ctx.value(node.outputs[0]).storage;
  const { scale, zeroPoint } = ctx.quant(node.outputs[0]);
  const grid = out.grid as { min: number; max: number };
  const codes = constantCodes(table.dtype, table.data, elementCount(table.shape));
  const rows = new Int8Array(vocab * dim);
  for (let v = 0; v < vocab; v++) {
    const c = q.scale.length === 1 ? 0 : v;
    for (let d = 0; d < dim; d++) {
      const real = dequantizeValue(codes[v * dim + d], q.scale[c], q.zeroPoint[c]);
      rows[v * dim + d] = quantizeValue(real, scale, zeroPoint, grid.min, grid.max);
    }
  }
  return {
    bind(inputs, outputs) {
      const tokens = inputs[0] as WasmTensor<'int32'>;
      const y = outputs[0] as Int8T;
      if (tokens.dtype !== 'int32' || y.dtype !== 'int8' || y.size !== tokens.size * dim) {
        throw new BackendWasmError(`embedding: tokens must be int32 and y int8 with ${dim} codes per token, got ${tokens.dtype} [${tokens.shape}] and ${y.dtype} [${y.shape}]`);
      }
      return () => {
        const ids = tokens.view();
        const yv = y.view();
        for (let i = 0; i < ids.length; i++) {
          const t = ids[i];
          if (!(t >= 0 && t < vocab)) throw new BackendWasmError(`run(): embedding '${node.name}': token id ${t} at position ${i} is outside [0, ${vocab}) (V = ${vocab})`);
          yv.set(rows.subarray(t * dim, t * dim + dim), i * dim);
        }
      };
    },
  };
}
