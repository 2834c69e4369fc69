import { byteLength } from '../dtype.ts';
import { elementCount } from '../shape.ts';
import type { IntModel, QuantParams } from '../types.ts';
import { alignUp } from './layout.ts';

// The JSON header (format version 1). Keys in this order; quant params inline as JSON numbers (a
// float32 scale prints as the shortest decimal that rounds to the same float32, so it is exact and
// about half the text of the float64 digits).
//
// { "version": 1, "inputs": [names], "outputs": [names],
//   "values":    [{ "name", "dtype", "shape", "quant"? }],
//   "constants": [{ "name", "dtype", "shape", "quant"?, "offset", "byteLength" }],
//   "nodes":     [{ "op", "name", "inputs", "outputs", "attrs" }],
//   "metadata"?: { key: string } }
// quant: { "bits", "scale": [float32...], "zeroPoint": [int...], "axis"? }

export const HEADER_KEYS = ['version', 'inputs', 'outputs', 'values', 'constants', 'nodes', 'metadata'] as const;
export const VALUE_KEYS = ['name', 'dtype', 'shape', 'quant'] as const;
export const CONSTANT_KEYS = ['name', 'dtype', 'shape', 'quant', 'offset', 'byteLength'] as const;
export const QUANT_KEYS = ['bits', 'scale', 'zeroPoint', 'axis'] as const;

/** The shortest decimal (as a JSON number) that Math.fround maps back to the float32 `x`. */
export function shortestFloat32(x: number): number {
  for (let p = 1; p < 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  return Number(x.toPrecision(9)); // 9 significant digits always identify a float32
}

function quantJson(qp: QuantParams): object {
  const base = { bits: qp.bits, scale: Array.from(qp.scale, shortestFloat32), zeroPoint: Array.from(qp.zeroPoint) };
  return qp.axis === undefined ? base : { ...base, axis: qp.axis };
}

export interface HeaderLayout {
  readonly header: object;
  /** Each constant's stored bytes and where they go in the data section. */
  readonly buffers: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  readonly dataLength: number;
}

/** The header object of a (valid) model and the placement of its buffers. */
export function headerLayout(model: IntModel): HeaderLayout {
  let end = 0;
  const buffers: { offset: number; bytes: Uint8Array }[] = [];
  const constants = model.constants.map((c) => {
    const offset = alignUp(end);
    const length = byteLength(c.dtype, elementCount(c.shape));
    buffers.push({ offset, bytes: new Uint8Array(c.data.buffer, c.data.byteOffset, length) });
    end = offset + length;
    const base = { name: c.name, dtype: c.dtype, shape: [...c.shape] };
    const quant = c.quant ? { quant: quantJson(c.quant) } : {};
    return { ...base, ...quant, offset, byteLength: length };
  });
  const header = {
    version: model.version,
    inputs: [...model.inputs],
    outputs: [...model.outputs],
    values: model.values.map((v) => ({ name: v.name, dtype: v.dtype, shape: [...v.shape], ...(v.quant ? { quant: quantJson(v.quant) } : {}) })),
    constants,
    nodes: model.nodes.map((n) => ({ op: n.op, name: n.name, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } })),
    ...(model.metadata ? { metadata: { ...model.metadata } } : {}),
  };
  return { header, buffers, dataLength: end };
}
