// I-BERT's integer-only ops (@qatjs/ir ops/integer-only.ts): iGelu, iSoftmax, iLayerNorm on codes.
// Scalar loops over the heap views calling @qatjs/ir's integer-only functions, so the runtime equals
// the reference interpreter code for code (stored uint8 codes and zero points are both shifted by
// -128: q − z_x and the output's quantizeValue are unchanged).
import { iGelu, iLayerNormRow, iSoftmaxRow, quantizeValue, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple } from './common.ts';

type Codes = WasmTensor<'int8'> | WasmTensor<'int16'>;

function io(ctx: RuntimeOpContext, node: Node) {
  return { xq: ctx.quant(node.inputs[0]), yq: ctx.quant(node.outputs[0]), grid: ctx.value(node.outputs[0]).storage.grid as { min: number; max: number } };
}

function codes(node: Node, x: WasmTensor, y: WasmTensor): [Codes, Codes] {
  if ((x.dtype !== 'int8' && x.dtype !== 'int16') || y.dtype !== 'int8' || x.size !== y.size) throw new BackendWasmError(`${node.op} '${node.name}': x and y must be codes of one size`);
  return [x as Codes, y as Codes];
}

export function iGeluStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const { xq, yq, grid } = io(ctx, node);
  return simple((inputs, outputs) => {
    const [x, y] = codes(node, inputs[0], outputs[0]);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      for (let i = 0; i < xv.length; i++) {
        const r = iGelu(xv[i] - xq.zeroPoint, xq.scale);
        yv[i] = quantizeValue(Math.fround(r.q * r.s), yq.scale, yq.zeroPoint, grid.min, grid.max);
      }
    };
  });
}

export function iSoftmaxStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const { xq, yq, grid } = io(ctx, node);
  const scale = (node.attrs.scale as number | undefined) ?? 1;
  const causal = (node.attrs.causal as boolean | undefined) ?? false;
  return simple((inputs, outputs) => {
    const [x, y] = codes(node, inputs[0], outputs[0]);
    const r = x.shape.length;
    const [t, s] = [x.shape[r - 2], x.shape[r - 1]];
    return rowwise(x, y, s, xq.zeroPoint, (row, k, res) => {
      iSoftmaxRow(row, causal ? Math.min(s, (k % t) + s - t + 1) : s, xq.scale * scale, yq.scale, yq.zeroPoint, grid.min, grid.max, res);
    });
  });
}

export function iLayerNormStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const { xq, yq, grid } = io(ctx, node);
  const gamma = ctx.constant(node.inputs[1]).data as Float32Array;
  const beta = ctx.constant(node.inputs[2]).data as Float32Array;
  const eps = node.attrs.eps as number;
  const d = gamma.length;
  return simple((inputs, outputs) => {
    const [x, y] = codes(node, inputs[0], outputs[0]);
    return rowwise(x, y, d, xq.zeroPoint, (row, _k, res) => {
      iLayerNormRow(row, xq.scale, eps, gamma, beta, yq.scale, yq.zeroPoint, grid.min, grid.max, res);
    });
  });
}

/** The run of a row-at-a-time op over the last axis (n wide): row k's codes minus zp in, its output codes out. */
function rowwise(x: Codes, y: Codes, n: number, zp: number, f: (row: number[], k: number, res: number[]) => void): () => void {
  const row = new Array<number>(n);
  const res = new Array<number>(n);
  return () => {
    const [xv, yv] = [x.view(), y.view()];
    for (let k = 0; k * n < xv.length; k++) {
      for (let j = 0; j < n; j++) row[j] = xv[k * n + j] - zp;
      f(row, k, res);
      for (let j = 0; j < n; j++) yv[k * n + j] = res[j];
    }
  };
}
