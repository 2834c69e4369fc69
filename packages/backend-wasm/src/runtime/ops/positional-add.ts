// positionalAdd: x + the table's row t at position t, in float32 on y's grid, exactly the schema's
// formula (@qatjs/ir's dequantizeValue and quantizeValue); the table's real values are computed once.
import { constantCodes, dequantizeValue, elementCount, quantizeValue, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple, type Int8T } from './common.ts';

export function positionalAddStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const table = ctx.constant(node.inputs[1]);
  const [rows, d] = table.shape;
  const tq = table.quant;
  if (!tq) throw new BackendWasmError(`constant '${table.name}': a positional table needs quant params`);
  const codes = constantCodes(table.dtype, table.data, elementCount(table.shape));
  const real = new Float32Array(rows * d);
  for (let t = 0; t < rows; t++) {
    const c = tq.scale.length === 1 ? 0 : t;
    for (let j = 0; j < d; j++) real[t * d + j] = dequantizeValue(codes[t * d + j], tq.scale[c], tq.zeroPoint[c]);
  }
  const xq = ctx.quant(node.inputs[0]);
  const yq = ctx.quant(node.outputs[0]);
  const grid = ctx.value(node.outputs[0]).storage.grid as { min: number; max: number };
  return simple((inputs, outputs) => {
    const [x, y] = [inputs[0] as Int8T, outputs[0] as Int8T];
    const t = x.shape[1];
    if (t > rows) throw new BackendWasmError(`run(): positionalAdd '${node.name}': the input has ${t} positions, more than the ${rows} rows of table '${table.name}'`);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let i = 0; i < xv.length; i++) {
        const pos = Math.floor(i / d) % t;
        const v = Math.fround(dequantizeValue(xv[i], xq.scale, xq.zeroPoint) + real[pos * d + (i % d)]);
        yv[i] = quantizeValue(v, yq.scale, yq.zeroPoint, grid.min, grid.max);
      }
    };
  });
}
