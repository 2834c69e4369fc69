import { describeValue, fail } from '../errors.ts';
import { byteLength, dtypeInfo } from '../dtype.ts';
import { elementCount } from '../shape.ts';
import type { Constant, ConstantData, DType, IntModel, QuantParams, ValueDecl } from '../types.ts';
import { checkDType, checkShape, expectList, expectObject, own, type Plain } from '../validate/structure.ts';
import { CONSTANT_KEYS, HEADER_KEYS, QUANT_KEYS, VALUE_KEYS } from './header.ts';
import { alignUp } from './layout.ts';

// Turns the parsed JSON header and the data section into an IntModel. Checks what it needs to build
// the typed arrays (number types, buffer placement); validateModel checks everything else after.

function floats(v: unknown, field: string): Float32Array {
  const list = expectList(v, field);
  const out = new Float32Array(list.length);
  list.forEach((x, i) => {
    // The writer prints the shortest decimal that rounds to the float32; reading rounds it back.
    if (typeof x !== 'number' || !Number.isFinite(Math.fround(x))) fail(`${field}[${i}]`, `must be a number in float32 range, got ${describeValue(x)}`);
    out[i] = x;
  });
  return out;
}

function int32s(v: unknown, field: string): Int32Array {
  const list = expectList(v, field);
  const out = new Int32Array(list.length);
  list.forEach((x, i) => {
    if (!Number.isInteger(x) || (x as number) < -(2 ** 31) || (x as number) > 2 ** 31 - 1) {
      fail(`${field}[${i}]`, `must be an int32, got ${describeValue(x)}`);
    }
    out[i] = x as number;
  });
  return out;
}

function quant(v: unknown, field: string): QuantParams | undefined {
  if (v === undefined) return undefined;
  const o = expectObject(v, field, QUANT_KEYS);
  const base = { scale: floats(own(o, 'scale'), `${field}.scale`), zeroPoint: int32s(own(o, 'zeroPoint'), `${field}.zeroPoint`) };
  const axis = own(o, 'axis');
  return { ...base, bits: own(o, 'bits') as number, ...(axis === undefined ? {} : { axis: axis as number }) };
}

function value(v: unknown, field: string): ValueDecl {
  const o = expectObject(v, field, VALUE_KEYS);
  const q = quant(own(o, 'quant'), `${field}.quant`);
  return { name: own(o, 'name'), dtype: own(o, 'dtype'), shape: own(o, 'shape'), ...(q ? { quant: q } : {}) } as ValueDecl;
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

function expectOffset(v: unknown, field: string, want: number): void {
  if (v !== want) fail(field, `must be ${want} (buffers follow each other in constant order, each ${alignUp(1)}-byte aligned), got ${describeValue(v)}`);
}

function constants(list: readonly unknown[], data: Uint8Array): Constant[] {
  let end = 0;
  const out = list.map((v, i) => {
    const field = `header.constants[${i}]`;
    const o = expectObject(v, field, CONSTANT_KEYS);
    const dtype = checkDType(own(o, 'dtype'), `${field}.dtype`);
    const shape = checkShape(own(o, 'shape'), `${field}.shape`, false);
    const offset = alignUp(end);
    expectOffset(own(o, 'offset'), `${field}.offset`, offset);
    const length = byteLength(dtype, elementCount(shape));
    expectOffset(own(o, 'byteLength'), `${field}.byteLength`, length);
    if (offset + length > data.length) fail(`${field}.byteLength`, `the buffer [${offset}, ${offset + length}) runs past the ${data.length}-byte data section`);
    for (let p = end; p < offset; p++) if (data[p] !== 0) fail('file.padding', `data byte ${p} between buffers must be zero`);
    end = offset + length;
    const q = quant(own(o, 'quant'), `${field}.quant`);
    return { name: own(o, 'name'), dtype, shape, ...(q ? { quant: q } : {}), data: typed(dtype, data.subarray(offset, end)) } as Constant;
  });
  if (end !== data.length) fail('file', `${data.length - end} bytes follow the last buffer`);
  return out;
}

/** The model a header describes, with its constants' data copied out of `data` (the data section). */
export function parseHeader(header: unknown, data: Uint8Array): IntModel {
  const h: Plain = expectObject(header, 'header', HEADER_KEYS);
  const metadata = own(h, 'metadata');
  return {
    version: own(h, 'version'),
    inputs: own(h, 'inputs'),
    outputs: own(h, 'outputs'),
    values: expectList(own(h, 'values'), 'header.values').map((v, i) => value(v, `header.values[${i}]`)),
    constants: constants(expectList(own(h, 'constants'), 'header.constants'), data),
    nodes: own(h, 'nodes'),
    ...(metadata === undefined ? {} : { metadata }),
  } as IntModel;
}
