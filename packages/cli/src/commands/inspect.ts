import { sizeReport, type IntModel, type QuantParams } from '@qatjs/ir';
import { readModelFile } from '../model-file.ts';
import type { Io } from '../platform.ts';
import { table } from '../table.ts';

export interface LayerRow {
  readonly node: string;
  readonly op: string;
  /** The weight's bits (packed int4/int2 included), or null for ops without weights. */
  readonly bits: number | null;
  readonly scheme: string;
  readonly scaleMin: number | null;
  readonly scaleMax: number | null;
  /** Stored bytes of the node's constants (weights and biases). */
  readonly bytes: number;
}

const constantBytes = (c: IntModel['constants'][number]) => c.data.byteLength;

function scheme(q: QuantParams | undefined): string {
  if (!q) return 'float';
  const per = q.axis !== undefined ? `per-channel (axis ${q.axis})` : 'per-tensor';
  return `${per}, ${q.zeroPoint.every((z) => z === 0) ? 'symmetric' : 'affine'}`;
}

/** One row per node: its op, and its weight's bits, grid, scale range and bytes. */
export function layerRows(model: IntModel): LayerRow[] {
  const constants = new Map(model.constants.map((c) => [c.name, c]));
  return model.nodes.map((n) => {
    const consts = n.inputs.map((i) => constants.get(i)).filter((c) => c !== undefined);
    const weight = consts.find((c) => c.quant !== undefined && c.dtype !== 'int32');
    const q = weight?.quant;
    const scales = q ? Array.from(q.scale) : [];
    return {
      node: n.name,
      op: n.op,
      bits: q ? q.bits : null,
      scheme: weight ? `${weight.dtype}, ${scheme(q)}` : '-',
      scaleMin: scales.length ? Math.min(...scales) : null,
      scaleMax: scales.length ? Math.max(...scales) : null,
      bytes: consts.reduce((a, c) => a + constantBytes(c), 0),
    };
  });
}

export interface InspectResult {
  readonly file: string;
  readonly fileBytes: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly layers: readonly LayerRow[];
}

export async function inspect(file: string): Promise<InspectResult> {
  const { model } = await readModelFile(file);
  return { file, fileBytes: sizeReport(model).fileBytes, inputs: model.inputs, outputs: model.outputs, layers: layerRows(model) };
}

export function printInspect(r: InspectResult, io: Io): void {
  const fmt = (v: number | null) => (v === null ? '-' : v.toExponential(3));
  io.out(`${r.file}: ${r.fileBytes} bytes; inputs ${r.inputs.join(', ')}; outputs ${r.outputs.join(', ')}\n\n`);
  io.out(table(['node', 'op', 'bits', 'weights', 'scale min', 'scale max', 'bytes'], r.layers.map((l) => [l.node, l.op, l.bits ?? '-', l.scheme, fmt(l.scaleMin), fmt(l.scaleMax), l.bytes])));
}

