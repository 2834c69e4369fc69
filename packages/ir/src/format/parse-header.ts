import { describeValue, fail } from '../errors.ts';
import { byteLength, dtypeInfo } from '../dtype.ts';
import { limits } from '../limits.ts';
import type { TensorInfo } from '../ops/schema.ts';
import { biasQuant } from '../quant.ts';
import { elementCount, formatShape } from '../shape.ts';
import { INT_MODEL_VERSION, type Constant, type ConstantData, type DType, type IntModel, type Node, type QuantParams, type ValueDecl } from '../types.ts';
import { checkNode } from '../validate/node.ts';
import { checkConstant, checkDType, checkMetadata, checkNodeFields, checkShape, checkValue, expectList, expectName, expectObject, own, type Plain } from '../validate/structure.ts';
import { CONSTANT_KEYS, HEADER_KEYS, NODE_KEYS, VALUE_KEYS, defaultBits, zeroPointBytes } from './header.ts';
import { alignUp } from './layout.ts';

// Turns the parsed JSON header (header.ts) and the data section into an IntModel: reads the constant
// buffers and the quant tables, derives what the writer left out (node output shapes and grids from
// the ops' own inference, bias quant params from biasOf), and leaves the rest of the checking to
// validateModel. Every malformed input throws IntModelError.

/** Reads the quant tables in order: `scales` float32 entries, then zero points of mixed widths. */
class QuantTableReader {
  private scaleAt = 0;
  private zpAt: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, scales: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.zpAt = 4 * scales;
  }

  next(dtype: DType, channels: number, zeroPoints: boolean): { scale: Float32Array; zeroPoint: Int32Array } {
    const scale = new Float32Array(channels);
    for (let c = 0; c < channels; c++) scale[c] = this.view.getFloat32(4 * this.scaleAt++, true);
    const zeroPoint = new Int32Array(channels);
    if (zeroPoints) {
      const w = zeroPointBytes(dtype);
      const unsigned = !dtypeInfo(dtype).signed;
      for (let c = 0; c < channels; c++, this.zpAt += w) {
        zeroPoint[c] = w === 1 ? (unsigned ? this.view.getUint8(this.zpAt) : this.view.getInt8(this.zpAt)) : w === 2 ? this.view.getInt16(this.zpAt, true) : this.view.getInt32(this.zpAt, true);
      }
    }
    return { scale, zeroPoint };
  }

}

/** A tensor index of the header (values, then constants). */
function tensorIndex(v: unknown, field: string, count: number): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= count) {
    fail(field, `must be a tensor index 0..${count - 1} (values, then constants), got ${describeValue(v)}`);
  }
  return v as number;
}

function indexList(v: unknown, field: string, count: number, maxLength?: number): number[] {
  return expectList(v, field, maxLength).map((x, i) => tensorIndex(x, `${field}[${i}]`, count));
}

/** The quant fields of an entry: bits (default the dtype's width), axis, zeroPoints. */
interface QuantFields {
  readonly bits: number;
  readonly axis?: number;
  readonly zeroPoints: boolean;
}

function quantFields(o: Plain, field: string, dtype: DType | undefined, hasQuant: boolean, alwaysZeroPoints = false): QuantFields | undefined {
  const bits = own(o, 'bits');
  const axis = own(o, 'axis');
  const zeroPoints = own(o, 'zeroPoints');
  if (!hasQuant) {
    for (const key of ['bits', 'axis', 'zeroPoints'] as const) {
      if (own(o, key) !== undefined) fail(`${field}.${key}`, `${dtype === undefined ? 'a tensor whose grid its op gives' : `a ${dtype} tensor`} has no stored quant params`);
    }
    return undefined;
  }
  if (bits !== undefined && !Number.isInteger(bits)) fail(`${field}.bits`, `must be an integer, got ${describeValue(bits)}`);
  if (zeroPoints !== undefined && zeroPoints !== true) fail(`${field}.zeroPoints`, `must be true or left out (all zero points 0), got ${describeValue(zeroPoints)}`);
  return { bits: (bits as number | undefined) ?? defaultBits(dtype as DType), ...(axis === undefined ? {} : { axis: axis as number }), zeroPoints: alwaysZeroPoints || zeroPoints === true };
}

/** Channels of a per-channel (or per-tensor) entry, checked before anything is read from the tables. */
function channelsOf(q: QuantFields, shape: readonly number[], field: string): number {
  if (q.axis === undefined) return 1;
  if (!Number.isInteger(q.axis) || q.axis < 0 || q.axis >= shape.length) {
    fail(`${field}.axis`, `must be an integer in 0..${shape.length - 1} (the tensor's rank is ${shape.length}), got ${describeValue(q.axis)}`);
  }
  return shape[q.axis];
}

/** A copy of the buffer's bytes (so the model never aliases the caller's file) in the dtype's array class. */
function typed(dtype: DType, bytes: Uint8Array): ConstantData {
  const copy = bytes.slice();
  switch (dtypeInfo(dtype).arrayName) {
    case 'Int8Array':
      return new Int8Array(copy.buffer);
    case 'Uint8Array':
      return copy;
    case 'Int16Array':
      return new Int16Array(copy.buffer);
    case 'Int32Array':
      return new Int32Array(copy.buffer);
    case 'Float32Array':
      return new Float32Array(copy.buffer);
  }
}

interface ValueEntry {
  readonly name: string;
  readonly dtype?: DType;
  readonly shape?: readonly number[];
  readonly quant?: QuantFields;
}

interface ConstantEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly quant?: QuantFields;
  readonly biasOf?: readonly [number, number];
  readonly offset: number;
  readonly length: number;
}

function valueEntry(v: unknown, field: string, produced: boolean): ValueEntry {
  const o = expectObject(v, field, VALUE_KEYS);
  const name = expectName(own(o, 'name'), `${field}.name`);
  const rawDType = own(o, 'dtype');
  const dtype = rawDType === undefined ? undefined : checkDType(rawDType, `${field}.dtype`);
  if (dtype === undefined && !produced) fail(`${field}.dtype`, 'a graph input needs a dtype');
  const rawShape = own(o, 'shape');
  if (rawShape === undefined && !produced) fail(`${field}.shape`, 'a graph input needs a shape');
  const shape = rawShape === undefined ? undefined : checkShape(rawShape, `${field}.shape`, true);
  const hasQuant = dtype === 'int8' || dtype === 'uint8' || dtype === 'int16';
  const quant = quantFields(o, field, dtype, hasQuant, true);
  return { name, ...(dtype ? { dtype } : {}), ...(shape ? { shape } : {}), ...(quant ? { quant } : {}) };
}

function constantEntry(v: unknown, field: string, end: number, count: number): ConstantEntry {
  const o = expectObject(v, field, CONSTANT_KEYS);
  const name = expectName(own(o, 'name'), `${field}.name`);
  const dtype = checkDType(own(o, 'dtype'), `${field}.dtype`);
  const shape = checkShape(own(o, 'shape'), `${field}.shape`, false);
  const offset = alignUp(end);
  const length = byteLength(dtype, elementCount(shape));
  const base = { name, dtype, shape, offset, length };
  const biasOf = own(o, 'biasOf');
  if (biasOf !== undefined) {
    if (dtype !== 'int32') fail(`${field}.biasOf`, `only an int32 bias derives its quant params, this constant is ${dtype}`);
    quantFields(o, field, undefined, false);
    const pair = indexList(biasOf, `${field}.biasOf`, count, 2);
    if (pair.length !== 2) fail(`${field}.biasOf`, `must be [x, w] (two tensor indices), got ${pair.length} entries`);
    return { ...base, biasOf: [pair[0], pair[1]] };
  }
  const hasQuant = dtype === 'float32' ? false : dtype === 'int32' ? own(o, 'bits') !== undefined : true;
  const quant = quantFields(o, field, dtype, hasQuant);
  return { ...base, ...(quant ? { quant } : {}) };
}

/** The model a header describes, with its constants' data and quant params copied out of `data` (the data section). */
export function parseHeader(header: unknown, data: Uint8Array): IntModel {
  const h: Plain = expectObject(header, 'header', HEADER_KEYS);
  const rawValues = expectList(own(h, 'values'), 'header.values');
  const rawConstants = expectList(own(h, 'constants'), 'header.constants');
  const rawNodes = expectList(own(h, 'nodes'), 'header.nodes');
  const count = rawValues.length + rawConstants.length;

  // nodes first: which values they produce (those carry no shape, and maybe no dtype)
  const nodeEntries = rawNodes.map((raw, i) => {
    const field = `header.nodes[${i}]`;
    const o = expectObject(raw, field, NODE_KEYS);
    const outputs = indexList(own(o, 'outputs'), `${field}.outputs`, count, 64);
    outputs.forEach((t, k) => {
      if (t >= rawValues.length) fail(`${field}.outputs[${k}]`, `tensor ${t} is a constant; a node's outputs are values`);
    });
    return { o, field, inputs: indexList(own(o, 'inputs'), `${field}.inputs`, count, 64), outputs };
  });
  const produced = new Set(nodeEntries.flatMap((n) => n.outputs));
  const values = rawValues.map((v, i) => valueEntry(v, `header.values[${i}]`, produced.has(i)));
  let end = 0;
  const constants = rawConstants.map((c, i) => {
    const e = constantEntry(c, `header.constants[${i}]`, end, count);
    if (e.offset + e.length > data.length) fail(`header.constants[${i}].shape`, `the buffer [${e.offset}, ${e.offset + e.length}) runs past the ${data.length}-byte data section`);
    for (let p = end; p < e.offset; p++) if (data[p] !== 0) fail('file.padding', `data byte ${p} between buffers must be zero`);
    end = e.offset + e.length;
    return e;
  });
  const names = [...values.map((v) => v.name), ...constants.map((c) => c.name)];

  // the quant tables: their length follows from the entries
  let scales = 0;
  let zpBytes = 0;
  const tally = (q: QuantFields | undefined, dtype: DType | undefined, shape: readonly number[], field: string) => {
    if (!q) return;
    const channels = channelsOf(q, shape, field);
    scales += channels;
    if (q.zeroPoints) zpBytes += channels * zeroPointBytes(dtype as DType);
  };
  values.forEach((v, i) => tally(v.quant, v.dtype, [], `header.values[${i}]`));
  constants.forEach((c, i) => tally(c.quant, c.dtype, c.shape, `header.constants[${i}]`));
  const tableBytes = 4 * scales + zpBytes;
  const tableStart = tableBytes === 0 ? end : alignUp(end);
  if (tableStart + tableBytes !== data.length) {
    fail('file', `the data section has ${data.length} bytes; its buffers and quant tables (${scales} scales, ${zpBytes} bytes of zero points) take ${tableStart + tableBytes}`);
  }
  for (let p = end; p < tableStart; p++) if (data[p] !== 0) fail('file.padding', `data byte ${p} before the quant tables must be zero`);
  const table = new QuantTableReader(data.subarray(tableStart), scales);
  const stored = (q: QuantFields | undefined, dtype: DType | undefined, shape: readonly number[]): QuantParams | undefined => {
    if (!q) return undefined;
    const axis = q.axis === undefined ? {} : { axis: q.axis };
    return { ...table.next(dtype as DType, q.axis === undefined ? 1 : shape[q.axis], q.zeroPoints), bits: q.bits, ...axis };
  };
  const valueQuant = values.map((v) => stored(v.quant, v.dtype, []));
  const constantQuant = constants.map((c) => stored(c.quant, c.dtype, c.shape));

  // declarations: graph inputs and constants now; node outputs as their nodes are inferred
  const decls: (ValueDecl | undefined)[] = values.map((v, i) =>
    produced.has(i) ? undefined : checkValue({ name: v.name, dtype: v.dtype, shape: v.shape, ...(valueQuant[i] ? { quant: valueQuant[i] } : {}) }, `header.values[${i}]`),
  );
  const consts: (Constant | undefined)[] = constants.map((c, i) =>
    c.biasOf ? undefined : checkConstant({ name: c.name, dtype: c.dtype, shape: c.shape, ...(constantQuant[i] ? { quant: constantQuant[i] } : {}), data: typed(c.dtype, data.subarray(c.offset, c.offset + c.length)) }, `header.constants[${i}]`),
  );
  const defined = new Map<string, TensorInfo>();
  decls.forEach((d) => d && defined.set(d.name, d));
  consts.forEach((c) => c && defined.set(c.name, c));
  const resolveBias = (i: number): Constant => {
    const c = constants[i];
    const [x, w] = (c.biasOf as readonly [number, number]).map((t) => defined.get(names[t]));
    const field = `header.constants[${i}].biasOf`;
    if (!x?.quant || !w?.quant) fail(field, `[${(c.biasOf as readonly number[]).join(', ')}] must name two quantized tensors defined before the first node that uses '${c.name}'`);
    const quant = biasQuant(x.quant, w.quant, c.shape.length === 1 ? c.shape[0] : 0);
    const out = checkConstant({ name: c.name, dtype: c.dtype, shape: c.shape, quant, data: typed(c.dtype, data.subarray(c.offset, c.offset + c.length)) }, `header.constants[${i}]`);
    consts[i] = out;
    defined.set(c.name, out);
    return out;
  };
  let channelChecks = 0;
  const nodes: Node[] = nodeEntries.map(({ o, field, inputs, outputs }) => {
    const rawName = own(o, 'name');
    const node = checkNodeFields(
      {
        op: own(o, 'op'),
        name: rawName === undefined ? names[outputs[0]] : rawName,
        inputs: inputs.map((t) => names[t]),
        outputs: outputs.map((t) => names[t]),
        attrs: own(o, 'attrs') === undefined ? {} : own(o, 'attrs'),
      },
      field,
    );
    for (const t of inputs) {
      const ci = t - values.length;
      if (ci >= 0 && !consts[ci]) resolveBias(ci);
      const info = defined.get(names[t]);
      channelChecks += (info?.quant?.scale.length ?? 0) + (info?.dtype === 'int32' && info.data ? info.data.length : 0);
    }
    if (channelChecks > limits().maxChannelChecks) {
      fail(`${field}.inputs`, `the nodes so far use ${channelChecks} per-channel entries in total, more than the limit ${limits().maxChannelChecks}`);
    }
    const inferred = checkNode(node, field, (name) => defined.get(name));
    outputs.forEach((t, k) => {
      if (decls[t]) return; // listed twice: validateModel names the problem
      const v = values[t];
      const inf = inferred[k];
      const of = `header.values[${t}]`;
      if (v.shape) fail(`${of}.shape`, `is not stored for a node output: ${node.op} infers it (${formatShape(inf.shape)})`);
      if (v.dtype === undefined && inf.dtype === undefined) fail(`${of}.dtype`, `${node.op} does not give its output's dtype; '${v.name}' needs one`);
      const keep = v.dtype === undefined;
      const quant = keep ? inf.quant : valueQuant[t];
      const decl = checkValue({ name: v.name, dtype: keep ? inf.dtype : v.dtype, shape: inf.shape, ...(quant ? { quant } : {}) }, of);
      decls[t] = decl;
      defined.set(decl.name, decl);
    });
    return node;
  });
  constants.forEach((_, i) => consts[i] ?? resolveBias(i));
  decls.forEach((d, i) => d ?? fail(`header.values[${i}]`, `'${values[i].name}' is listed as a node output but no node produced it`));

  const metadata = own(h, 'metadata');
  if (metadata !== undefined) checkMetadata(metadata, 'header.metadata');
  return {
    version: INT_MODEL_VERSION,
    inputs: indexList(own(h, 'inputs'), 'header.inputs', count).map((t) => names[t]),
    outputs: indexList(own(h, 'outputs'), 'header.outputs', count).map((t) => names[t]),
    values: decls as ValueDecl[],
    constants: consts as Constant[],
    nodes,
    ...(metadata === undefined ? {} : { metadata }),
  } as IntModel;
}
