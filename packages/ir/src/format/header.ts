import { IntModelError } from '../errors.ts';
import { byteLength, dtypeInfo } from '../dtype.ts';
import type { Inferred, TensorInfo } from '../ops/schema.ts';
import { biasQuant, sameQuant } from '../quant.ts';
import { elementCount } from '../shape.ts';
import type { Constant, DType, IntModel, QuantParams } from '../types.ts';
import { checkNode } from '../validate/node.ts';
import { alignUp } from './layout.ts';

// The JSON header (format version 3) holds names, dtypes, shapes and attributes; every scale and zero
// point is binary, in the quant tables after the constant buffers (layout.ts). Nothing the reader can
// derive is stored. Keys in this order:
//
// { "inputs": [tensor], "outputs": [tensor],
//   "values":    [{ "name", "dtype"?, "shape"?, "bits"? }],
//   "constants": [{ "name", "dtype", "shape", "bits"?, "axis"?, "zeroPoints"?, "biasOf"? }],
//   "nodes":     [{ "op", "name"?, "inputs": [tensor], "outputs": [tensor], "attrs"? }],
//   "metadata"?: { key: string } }
//
// - A tensor is an index into values followed by constants (values[0..V-1], then constants[0..]).
// - A node output's shape is not stored (its op infers it); neither are its dtype and quant params
//   when the op keeps its input's grid (max pooling, flatten, ...: the op's `infer` gives a dtype).
// - Quant params: present for int8/uint8/int16 values and int8/uint8/int16/int4/int2 constants; an
//   int32 constant has them when it has "bits" or "biasOf". "bits" defaults to the dtype's width
//   (8, 8, 16, 4, 2, 32), "axis" makes it per-channel (constants only). A value's zero point is always
//   stored (activations are mostly affine); a constant's zero points only with "zeroPoints": true
//   (else they are all 0: symmetric weights). The scales and zero points themselves are the next
//   entries of the quant tables, one per channel, in the order the entries appear (values first).
// - "biasOf": [x, w] marks a bias whose quant params are biasQuant(quant(x), quant(w), shape[0]):
//   scale fround(s_x * s_w[c]), zero point 0, bits 32; nothing of it is in the tables.
// - A node's "name" defaults to its first output's name and "attrs" to {}.

export const HEADER_KEYS = ['inputs', 'outputs', 'values', 'constants', 'nodes', 'metadata'] as const;
export const VALUE_KEYS = ['name', 'dtype', 'shape', 'bits'] as const;
export const CONSTANT_KEYS = ['name', 'dtype', 'shape', 'bits', 'axis', 'zeroPoints', 'biasOf'] as const;
export const NODE_KEYS = ['op', 'name', 'inputs', 'outputs', 'attrs'] as const;

/** Bytes of one stored zero point: one code of the tensor's dtype (int4/int2 codes as int8). */
export function zeroPointBytes(dtype: DType): 1 | 2 | 4 {
  const bits = dtypeInfo(dtype).storageBits;
  return bits <= 8 ? 1 : bits === 16 ? 2 : 4;
}

/** The `bits` a header entry leaves out: the dtype's full width. */
export function defaultBits(dtype: DType): number {
  return dtypeInfo(dtype).maxBits;
}

/** Appends scales (float32) and zero points (each as wide as one code of its dtype), little-endian. */
export class QuantTableWriter {
  private readonly scales: number[] = [];
  private readonly zeroPoints: { value: number; bytes: 1 | 2 | 4 }[] = [];

  /** Adds `qp`'s arrays; returns the header fields that describe it. `alwaysZeroPoints` for values. */
  add(qp: QuantParams, dtype: DType, alwaysZeroPoints = false): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    if (qp.bits !== defaultBits(dtype)) fields.bits = qp.bits;
    if (qp.axis !== undefined) fields.axis = qp.axis;
    this.scales.push(...qp.scale);
    if (alwaysZeroPoints || qp.zeroPoint.some((z) => z !== 0)) {
      if (!alwaysZeroPoints) fields.zeroPoints = true;
      for (const z of qp.zeroPoint) this.zeroPoints.push({ value: z, bytes: zeroPointBytes(dtype) });
    }
    return fields;
  }

  bytes(): Uint8Array {
    const zpBytes = this.zeroPoints.reduce((s, z) => s + z.bytes, 0);
    const out = new Uint8Array(4 * this.scales.length + zpBytes);
    const view = new DataView(out.buffer);
    this.scales.forEach((s, i) => view.setFloat32(4 * i, s, true));
    let at = 4 * this.scales.length;
    for (const { value, bytes } of this.zeroPoints) {
      if (bytes === 1) view.setInt8(at, value > 127 ? value - 256 : value);
      else if (bytes === 2) view.setInt16(at, value, true);
      else view.setInt32(at, value, true);
      at += bytes;
    }
    return out;
  }
}

/** What each node infers for its outputs, by output name (the model is valid). */
function inferredOutputs(model: IntModel, byName: ReadonlyMap<string, TensorInfo>): Map<string, Inferred> {
  const out = new Map<string, Inferred>();
  model.nodes.forEach((node, i) => {
    checkNode(node, `nodes[${i}]`, (name) => byName.get(name)).forEach((inf, k) => out.set(node.outputs[k], inf));
  });
  return out;
}

/** [x, w] (tensor indices) when `c`'s quant params are biasQuant of two inputs of the first node that uses it. */
function biasSource(c: Constant, model: IntModel, byName: ReadonlyMap<string, TensorInfo>, index: ReadonlyMap<string, number>): [number, number] | undefined {
  // the first node that uses it: the reader derives the params when that node looks the bias up
  const node = model.nodes.find((n) => n.inputs.includes(c.name));
  if (node) {
    for (const x of node.inputs) {
      const xq = byName.get(x)?.quant;
      if (!xq || byName.get(x)?.dtype === 'int32') continue;
      for (const w of node.inputs) {
        const wq = byName.get(w)?.quant;
        if (!wq || w === x || byName.get(w)?.dtype === 'int32' || c.shape.length !== 1) continue;
        try {
          if (sameQuant(c.quant, biasQuant(xq, wq, c.shape[0]))) return [index.get(x) as number, index.get(w) as number];
        } catch (e) {
          if (!(e instanceof IntModelError)) throw e;
        }
      }
    }
  }
  return undefined;
}

export interface HeaderLayout {
  readonly header: object;
  /** Each constant's stored bytes, then the quant tables, and where they go in the data section. */
  readonly buffers: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  readonly dataLength: number;
  /** Bytes of the quant tables (scales and zero points). */
  readonly quantBytes: number;
}

/** The header object of a (valid) model and the placement of its buffers and quant tables. */
export function headerLayout(model: IntModel): HeaderLayout {
  const index = new Map<string, number>();
  const byName = new Map<string, TensorInfo>();
  [...model.values, ...model.constants].forEach((t, i) => {
    index.set(t.name, i);
    byName.set(t.name, t);
  });
  const refs = (names: readonly string[]) => names.map((n) => index.get(n) as number);
  const inferred = inferredOutputs(model, byName);
  const table = new QuantTableWriter();

  const values = model.values.map((v) => {
    const inf = inferred.get(v.name);
    const entry: Record<string, unknown> = { name: v.name };
    if (inf?.dtype !== undefined) return entry; // dtype, shape and grid all come from the op
    entry.dtype = v.dtype;
    if (!inf) entry.shape = [...v.shape];
    return v.quant ? { ...entry, ...table.add(v.quant, v.dtype, true) } : entry;
  });

  let end = 0;
  const buffers: { offset: number; bytes: Uint8Array }[] = [];
  const constants = model.constants.map((c) => {
    const offset = alignUp(end);
    const length = byteLength(c.dtype, elementCount(c.shape));
    buffers.push({ offset, bytes: new Uint8Array(c.data.buffer, c.data.byteOffset, length) });
    end = offset + length;
    const entry: Record<string, unknown> = { name: c.name, dtype: c.dtype, shape: [...c.shape] };
    if (!c.quant) return entry;
    const bias = c.dtype === 'int32' ? biasSource(c, model, byName, index) : undefined;
    if (bias) return { ...entry, biasOf: bias };
    const fields = table.add(c.quant, c.dtype);
    // an int32 constant's quant params are announced by "bits"
    return { ...entry, ...(c.dtype === 'int32' ? { bits: c.quant.bits } : {}), ...fields };
  });

  const quant = table.bytes();
  if (quant.length > 0) {
    const offset = alignUp(end);
    buffers.push({ offset, bytes: quant });
    end = offset + quant.length;
  }

  const nodes = model.nodes.map((n) => ({
    op: n.op,
    ...(n.name === n.outputs[0] ? {} : { name: n.name }),
    inputs: refs(n.inputs),
    outputs: refs(n.outputs),
    ...(Object.keys(n.attrs).length === 0 ? {} : { attrs: { ...n.attrs } }),
  }));
  const header = {
    inputs: refs(model.inputs),
    outputs: refs(model.outputs),
    values,
    constants,
    nodes,
    ...(model.metadata ? { metadata: { ...model.metadata } } : {}),
  };
  return { header, buffers, dataLength: end, quantBytes: quant.length };
}
