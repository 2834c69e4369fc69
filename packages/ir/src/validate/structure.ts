import { describeValue, fail, keyName } from '../errors.ts';
import { codeRange, dtypeInfo, hasStorageClass, isActivationDType, isDType, storedLength } from '../dtype.ts';
import { limits } from '../limits.ts';
import { MIN_NORMAL_FLOAT32 } from '../numerics.ts';
import { BATCH_DIM, MIN_DYNAMIC_DIM, elementCount } from '../shape.ts';
import type { Constant, DType, Node, QuantParams, ValueDecl } from '../types.ts';

// Checks that each object of a model has the right fields with the right types and ranges, on its
// own (graph-level rules are in model.ts). Robust to any input: wrong types give an IntModelError.

export type Plain = Readonly<Record<string, unknown>>;

export function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** `v` is a plain object whose own keys are among `allowed`. */
export function expectObject(v: unknown, field: string, allowed: readonly string[]): Plain {
  if (!isPlainObject(v)) fail(field, `must be an object, got ${describeValue(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(`${field}.${keyName(key)}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v;
}

/** An own property, never one inherited from Object.prototype. */
export function own(obj: Plain, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function expectList(v: unknown, field: string, maxLength: number = limits().maxListLength): readonly unknown[] {
  if (!Array.isArray(v)) fail(field, `must be an array, got ${describeValue(v)}`);
  if (v.length > maxLength) fail(field, `has ${v.length} entries, more than the limit ${maxLength}`);
  return v;
}

export function expectName(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > limits().maxNameLength) {
    fail(field, `must be a non-empty string of at most ${limits().maxNameLength} characters, got ${describeValue(v)}`);
  }
  return v;
}

export function expectNames(v: unknown, field: string, maxLength?: number): readonly string[] {
  const list = expectList(v, field, maxLength);
  list.forEach((n, i) => expectName(n, `${field}[${i}]`));
  return list as readonly string[];
}

/**
 * Dims are integers >= 1; with `allowDynamic` (values), run-time sizes too: -1 (the batch) at dim 0,
 * -2, -3, ... (down to MIN_DYNAMIC_DIM) at any dim. Rank <= maxRank; elements (run-time sizes counted
 * as 1) <= maxElements.
 */
export function checkShape(v: unknown, field: string, allowDynamic: boolean): readonly number[] {
  const shape = expectList(v, field, limits().maxRank);
  shape.forEach((d, i) => {
    const dynamic = allowDynamic && Number.isInteger(d) && (d === BATCH_DIM ? i === 0 : (d as number) < BATCH_DIM && (d as number) >= MIN_DYNAMIC_DIM);
    const ok = Number.isInteger(d) && ((d as number) >= 1 || dynamic);
    const allowed = allowDynamic ? ', -1 at dim 0 (the run-time batch) or -2, -3, ... (other run-time sizes) at any dim' : '';
    if (!ok) fail(`${field}[${i}]`, `must be an integer >= 1${allowed}, got ${describeValue(d)}`);
  });
  const count = elementCount(shape as number[]);
  if (count > limits().maxElements) fail(field, `holds ${count} elements, more than the limit ${limits().maxElements}`);
  return shape as readonly number[];
}

export function checkDType(v: unknown, field: string): DType {
  if (!isDType(v)) fail(field, `unknown dtype ${describeValue(v)} (int8, uint8, int16, int32, float32, int4, int2)`);
  return v;
}

/** Scales finite > 0 float32, zero points in the grid of `bits`, lengths matching the axis. */
export function checkQuant(v: unknown, field: string, dtype: DType, shape: readonly number[]): QuantParams {
  const qp = expectObject(v, field, ['scale', 'zeroPoint', 'axis', 'bits']);
  const scale = own(qp, 'scale');
  const zeroPoint = own(qp, 'zeroPoint');
  const axis = own(qp, 'axis');
  const bits = own(qp, 'bits');
  const info = dtypeInfo(dtype);
  if (!Number.isInteger(bits) || (bits as number) < info.minBits || (bits as number) > info.maxBits) {
    const range = info.minBits === info.maxBits ? `${info.minBits}` : `${info.minBits}..${info.maxBits}`;
    fail(`${field}.bits`, `must be ${range} for ${dtype}, got ${describeValue(bits)}`);
  }
  if (!(scale instanceof Float32Array)) fail(`${field}.scale`, `must be a Float32Array, got ${describeValue(scale)}`);
  if (!(zeroPoint instanceof Int32Array)) fail(`${field}.zeroPoint`, `must be an Int32Array, got ${describeValue(zeroPoint)}`);
  if (axis !== undefined && (!Number.isInteger(axis) || (axis as number) < 0 || (axis as number) >= shape.length)) {
    fail(`${field}.axis`, `must be an integer in 0..${shape.length - 1} (the tensor's rank is ${shape.length}), got ${describeValue(axis)}`);
  }
  const channels = axis === undefined ? 1 : shape[axis as number];
  if (scale.length !== channels) {
    const why = axis === undefined ? 'per-tensor params have one scale' : `axis ${axis as number} has ${channels} channels`;
    fail(`${field}.scale`, `has length ${scale.length}; ${why}`);
  }
  if (zeroPoint.length !== scale.length) fail(`${field}.zeroPoint`, `has length ${zeroPoint.length}, scale has ${scale.length}`);
  scale.forEach((s, i) => {
    if (!(s >= MIN_NORMAL_FLOAT32 && s < Infinity)) fail(`${field}.scale[${i}]`, `must be finite and > 0, a normal float32 (>= 2^-126), got ${s}`);
  });
  const { qmin, qmax } = codeRange(bits as number, info.signed);
  zeroPoint.forEach((z, i) => {
    if (z < qmin || z > qmax) fail(`${field}.zeroPoint[${i}]`, `${z} is outside the ${bits as number}-bit ${dtype} grid ${qmin}..${qmax}`);
  });
  return qp as unknown as QuantParams;
}

export function checkValue(v: unknown, field: string): ValueDecl {
  const o = expectObject(v, field, ['name', 'dtype', 'shape', 'quant']);
  expectName(own(o, 'name'), `${field}.name`);
  const dtype = own(o, 'dtype');
  if (!isActivationDType(dtype)) fail(`${field}.dtype`, `an activation is int8, uint8, int16, int32 or float32, got ${describeValue(dtype)}`);
  const shape = checkShape(own(o, 'shape'), `${field}.shape`, true);
  const quant = own(o, 'quant');
  if (dtype === 'float32' || dtype === 'int32') {
    if (quant !== undefined) fail(`${field}.quant`, `a ${dtype} value has no quant params`);
  } else {
    if (quant === undefined) fail(`${field}.quant`, `an ${dtype} value needs quant params`);
    const qp = checkQuant(quant, `${field}.quant`, dtype, shape);
    if (qp.axis !== undefined) fail(`${field}.quant.axis`, 'activations are quantized per-tensor (no axis)');
  }
  return o as unknown as ValueDecl;
}

/** Code i of int8/uint8/int16 data (width 8, 16) or of packed signed int4/int2 data, low bits first. */
function codeAt(data: Int8Array | Uint8Array | Int16Array, width: number, i: number): number {
  if (width >= 8) return data[i];
  const perByte = 8 / width;
  const f = (data[(i / perByte) | 0] >> ((i % perByte) * width)) & ((1 << width) - 1);
  return f >= 1 << (width - 1) ? f - (1 << width) : f;
}

/** Index of the first code outside [qmin, qmax], or -1. */
function firstCodeOutside(data: Int8Array | Uint8Array | Int16Array, width: number, count: number, qmin: number, qmax: number): number {
  for (let i = 0; i < count; i++) {
    const c = codeAt(data, width, i);
    if (c < qmin || c > qmax) return i;
  }
  return -1;
}

/** Stored length, finite floats, codes inside the grid and zero padding bits of packed dtypes. */
function checkConstantData(data: unknown, field: string, dtype: DType, count: number, quant: QuantParams | undefined): void {
  if (!hasStorageClass(dtype, data)) fail(field, `${dtype} data must be a ${dtypeInfo(dtype).arrayName}, got ${describeValue(data)}`);
  const want = storedLength(dtype, count);
  if (data.length !== want) fail(field, `${count} ${dtype} elements take ${want} array elements, got ${data.length}`);
  if (dtype === 'float32') {
    const bad = (data as Float32Array).findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`${field}[${bad}]`, `float32 constants must be finite, got ${data[bad]}`);
    return;
  }
  const { perByte, storageBits, signed, quantized } = dtypeInfo(dtype);
  if (quant === undefined || !quantized) return;
  const { qmin, qmax } = codeRange(quant.bits, signed);
  // codes of a grid as wide as the storage are always inside it
  if (quant.bits < storageBits) {
    const bad = firstCodeOutside(data as Int8Array | Uint8Array | Int16Array, storageBits, count, qmin, qmax);
    if (bad >= 0) {
      const c = codeAt(data as Int8Array | Uint8Array | Int16Array, storageBits, bad);
      fail(`${field}[${bad}]`, `code ${c} is outside the ${quant.bits}-bit grid ${qmin}..${qmax}`);
    }
  }
  const usedBits = (count % perByte) * storageBits;
  if (perByte > 1 && usedBits > 0 && data[data.length - 1] >> usedBits !== 0) {
    fail(`${field}[${data.length - 1}]`, `the unused high bits of the last ${dtype} byte must be zero`);
  }
}

export function checkConstant(v: unknown, field: string): Constant {
  const o = expectObject(v, field, ['name', 'dtype', 'shape', 'quant', 'data']);
  expectName(own(o, 'name'), `${field}.name`);
  const dtype = checkDType(own(o, 'dtype'), `${field}.dtype`);
  const shape = checkShape(own(o, 'shape'), `${field}.shape`, false);
  const quant = own(o, 'quant');
  let qp: QuantParams | undefined;
  if (dtype === 'float32') {
    if (quant !== undefined) fail(`${field}.quant`, 'a float32 constant has no quant params');
  } else if (quant !== undefined) {
    qp = checkQuant(quant, `${field}.quant`, dtype, shape);
  } else if (dtype !== 'int32') {
    fail(`${field}.quant`, `an ${dtype} constant needs quant params`);
  }
  checkConstantData(own(o, 'data'), `${field}.data`, dtype, elementCount(shape), qp);
  return o as unknown as Constant;
}

/** The node's own fields; what the op requires of them is checked in node.ts. */
export function checkNodeFields(v: unknown, field: string): Node {
  const o = expectObject(v, field, ['op', 'name', 'inputs', 'outputs', 'attrs']);
  const op = own(o, 'op');
  if (typeof op !== 'string' || op.length === 0 || op.length > 64) fail(`${field}.op`, `must be an op name, got ${describeValue(op)}`);
  expectName(own(o, 'name'), `${field}.name`);
  expectNames(own(o, 'inputs'), `${field}.inputs`, 64);
  expectNames(own(o, 'outputs'), `${field}.outputs`, 64);
  if (!isPlainObject(own(o, 'attrs'))) fail(`${field}.attrs`, `must be an object, got ${describeValue(own(o, 'attrs'))}`);
  return o as unknown as Node;
}

export function checkMetadata(v: unknown, field: string): void {
  if (!isPlainObject(v)) fail(field, `must be an object, got ${describeValue(v)}`);
  const o = v;
  const keys = Object.keys(o);
  if (keys.length > limits().maxMetadataEntries) fail(field, `has ${keys.length} entries, more than ${limits().maxMetadataEntries}`);
  for (const k of keys) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(k) || k === '__proto__') {
      fail(`${field}.${keyName(k)}`, 'metadata keys are 1-64 letters, digits, _ . or - (and not __proto__)');
    }
    const s = o[k];
    if (typeof s !== 'string' || s.length > limits().maxMetadataValueLength) {
      fail(`${field}.${k}`, `must be a string of at most ${limits().maxMetadataValueLength} characters, got ${describeValue(s)}`);
    }
  }
}
