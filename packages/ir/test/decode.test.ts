import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, LIMITS, MAGIC, ModelBuilder, crc32, decodeModel, encodeModel, makeQuant } from '@qatjs/ir';
import { buildSmall } from './fixtures/small.ts';
import { joinFile, seal, splitFile } from './fixtures/mutate.ts';
import { expectModelError, type Mutable } from './helpers.ts';

const file = encodeModel(buildSmall());

/** The file with its JSON header changed by `edit` (and re-framed). */
function withHeader(edit: (h: Mutable) => void, data?: Uint8Array): Uint8Array {
  const parts = splitFile(file);
  const h = parts.header as Mutable;
  edit(h);
  return joinFile(JSON.stringify(h), data ?? parts.data);
}

/** The file with bytes changed by `edit`, its CRC-32 recomputed (sealed) unless `sealed` is false. */
function withBytes(edit: (b: Uint8Array, view: DataView) => void, sealed = true): Uint8Array {
  const b = file.slice();
  edit(b, new DataView(b.buffer));
  return sealed ? seal(b) : b;
}

const headerEnd = 20 + new DataView(file.buffer).getUint32(12, true);
const dataStart = Math.ceil(headerEnd / 16) * 16;

describe('decodeModel: the container', () => {
  it('starts with the documented magic and version', () => {
    expect(Array.from(file.subarray(0, 8))).toEqual(Array.from(MAGIC));
    expect(new DataView(file.buffer).getUint32(8, true)).toBe(3);
    expect(new DataView(file.buffer).getUint32(16, true)).toBe(crc32(new Uint8Array([...file.subarray(0, 16), ...file.subarray(20)])));
    expect(dataStart % 16).toBe(0);
  });
  it('rejects a file shorter than the preamble', () => {
    expectModelError(() => decodeModel(new Uint8Array(0)), 'file', /too short/);
    expectModelError(() => decodeModel(file.subarray(0, 15)), 'file', /15 bytes is too short/);
  });
  it('refuses a file whose CRC-32 does not match its bytes: a flipped weight bit, a changed scale or zero point, a cut', () => {
    const flipped = withBytes((b) => { b[dataStart + 3] ^= 0x01; }, false); // a conv weight
    expectModelError(() => decodeModel(flipped), 'file.crc', /the file is corrupt: its bytes have CRC-32 0x[0-9a-f]{8}, the file says 0x[0-9a-f]{8}/);
    // the quant tables are the last bytes of the file: 8 float32 scales, then 3 int8 zero points
    const scaled = withBytes((b) => { b[file.length - 3 - 4 * 8] ^= 0x01; }, false); // the low mantissa bit of xq's scale
    expectModelError(() => decodeModel(scaled), 'file.crc', /corrupt/);
    expectModelError(() => decodeModel(withBytes((b) => { b[file.length - 3] ^= 0x01; }, false)), 'file.crc', /corrupt/);
    // resealed, the same damage decodes to another scale: the checksum is what catches it
    expect(decodeModel(seal(scaled)).values[1].quant?.scale[0]).not.toBe(decodeModel(file).values[1].quant?.scale[0]);
    expectModelError(() => decodeModel(file.subarray(0, file.length - 16)), 'file.crc', /corrupt/);
    expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(16, v.getUint32(16, true) ^ 1, true), false)), 'file.crc', /corrupt/);
    // the same damage with the checksum recomputed gets past it (a forged file is checked as before)
    expect(() => decodeModel(seal(flipped))).not.toThrow();
  });
  it('rejects a wrong magic', () => expectModelError(() => decodeModel(withBytes((b) => { b[1] = 0x50; })), 'file.magic', /not an IntModel file/));
  it('rejects another format version', () => expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(8, 4, true))), 'file.formatVersion', /understands format version 3, got 4/));
  it('refuses a version-2 file (scales as JSON text) naming both versions, and says how to make a new one', () => {
    expect(FORMAT_VERSION).toBe(3);
    const v2 = withBytes((_, v) => v.setUint32(8, 2, true));
    expectModelError(() => decodeModel(v2), 'file.formatVersion', /format version 2; this reader understands format version 3 only .*run convert\(\) again .* encodeModel\(\)/);
  });
  it('refuses a version-1 file (no checksum) and says how to make a new one', () => {
    // a version-1 file: 16-byte preamble, the header at 16 (packages/ir/src/format/layout.ts)
    const { header, data } = splitFile(file);
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((16 + json.length) / 16) * 16;
    const v1 = new Uint8Array(start + data.length);
    v1.set(MAGIC);
    new DataView(v1.buffer).setUint32(8, 1, true);
    new DataView(v1.buffer).setUint32(12, json.length, true);
    v1.set(json, 16);
    v1.set(data, start);
    expectModelError(() => decodeModel(v1), 'file.formatVersion', /format version 1, which has no checksum; this reader understands format version 3 only .*run convert\(\) again .* encodeModel\(\)/);
  });
  it('rejects a header length over the limit', () => {
    expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(12, 0xffffffff, true))), 'file.headerLength', /more than the limit 16777216/);
  });
  it('rejects a header running past the end of the file', () => {
    expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(12, file.length, true))), 'file.headerLength', /does not fit/);
  });
  it('rejects non-zero padding after the header', () => {
    if (dataStart === headerEnd) return; // no padding in this layout (then the next test covers the header end)
    expectModelError(() => decodeModel(withBytes((b) => { b[headerEnd] = 0x20; })), 'file.padding', /must be zero/);
  });
  it('rejects a header that is not UTF-8', () => expectModelError(() => decodeModel(withBytes((b) => { b[24] = 0xff; })), 'file.header', /not valid UTF-8/));
  it('rejects a header that is not JSON', () => expectModelError(() => decodeModel(joinFile('{"version": 1,', new Uint8Array(0))), 'file.header', /not valid JSON/));
  it('rejects deeply nested JSON without overflowing the stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expectModelError(() => decodeModel(joinFile(deep, new Uint8Array(0))), /^(file\.)?header$/);
  });
  it('rejects a header that is not an object', () => expectModelError(() => decodeModel(joinFile('[1, 2]', new Uint8Array(0))), 'header', /must be an object/));
  it('rejects bytes that are not bytes', () => {
    expectModelError(() => decodeModel('QATIR' as unknown as Uint8Array), 'bytes', /Uint8Array or an ArrayBuffer/);
    expectModelError(() => decodeModel([1, 2, 3] as unknown as Uint8Array), 'bytes', /got an array/);
  });
});

describe('decodeModel: the header', () => {
  const model = buildSmall();
  it('stores no scale or zero point as text, and nothing the reader derives', () => {
    const h = splitFile(file).header as Mutable;
    const text = JSON.stringify(h);
    expect(text).not.toMatch(/scale|zeroPoint"|offset|byteLength|version/);
    // graph input: dtype and shape; quantize and conv outputs: dtype only (shapes inferred); pool and flatten keep their input's grid
    expect(h.values).toEqual([
      { name: 'x', dtype: 'float32', shape: [-1, 8, 8, 2] },
      { name: 'xq', dtype: 'int8' },
      { name: 'conv', dtype: 'int8' },
      { name: 'pool' },
      { name: 'flat' },
      { name: 'fc', dtype: 'int8' },
      { name: 'y', dtype: 'float32' },
    ]);
    // biases derive their params from [x, w] (tensor indices: values 0..6, then constants 7..10)
    expect(h.constants).toEqual([
      { name: 'conv.w', dtype: 'int8', shape: [3, 3, 2, 4], axis: 3 },
      { name: 'conv.b', dtype: 'int32', shape: [4], biasOf: [1, 7] },
      { name: 'fc.w', dtype: 'int8', shape: [64, 3] },
      { name: 'fc.b', dtype: 'int32', shape: [3], biasOf: [4, 9] },
    ]);
    expect(h.nodes[0]).toEqual({ op: 'quantize', inputs: [0], outputs: [1] });
    expect(h.nodes[1].inputs).toEqual([1, 7, 8]);
    expect(h.inputs).toEqual([0]);
    expect(h.outputs).toEqual([6]);
  });
  it('keeps the scales and zero points in little-endian tables after the buffers, in header order', () => {
    const data = splitFile(file).data;
    const tables = data.subarray(304); // buffers end at 300 (fc.b: 3 int32 at 288); the tables start at the next multiple of 16
    expect(tables.length).toBe(4 * 8 + 3);
    const view = new DataView(tables.buffer, tables.byteOffset, tables.byteLength);
    const scales = Array.from({ length: 8 }, (_, i) => view.getFloat32(4 * i, true));
    const want = [model.values[1], model.values[2], model.values[5], model.constants[0], model.constants[2]].flatMap((t) => Array.from(t.quant?.scale ?? []));
    expect(scales).toEqual(want);
    expect([view.getInt8(32), view.getInt8(33), view.getInt8(34)]).toEqual([-10, -128, 0]);
    expect(Array.from(data.subarray(300, 304))).toEqual([0, 0, 0, 0]);
  });
  it('stores a uint8 zero point as uint8, an int16 one in two bytes, and nonzero weight zero points with zeroPoints: true', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [-1, 4]);
    const xq = b.quantize(x, { name: 'xq', dtype: 'uint8', quant: makeQuant({ scale: 0.5, zeroPoint: 200 }) });
    const wq = makeQuant({ scale: [0.25, 0.5], zeroPoint: [-3, 5], axis: 1 });
    const w = b.constant({ name: 'w', dtype: 'int8', shape: [4, 2], quant: wq, data: Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
    const y = b.gemm(xq, w, {}, { name: 'y', dtype: 'uint8', quant: makeQuant({ scale: 2, zeroPoint: 255 }) });
    b.output(b.dequantize(y, { name: 'out' }));
    const m = b.build();
    const bytes = encodeModel(m);
    expect(decodeModel(bytes)).toEqual(m);
    const { header, data } = splitFile(bytes) as { header: Mutable; data: Uint8Array };
    expect(header.constants[0]).toEqual({ name: 'w', dtype: 'int8', shape: [4, 2], axis: 1, zeroPoints: true });
    expect(Array.from(data.subarray(data.length - 4))).toEqual([200, 255, 0xfd, 5]);
  });
  it('rejects unknown keys, the old ones and __proto__ included', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.extra = 1; })), 'header.extra', /unknown field/);
    expectModelError(() => decodeModel(joinFile(JSON.stringify(splitFile(file).header).replace('{', '{"__proto__":{"version":1},'), splitFile(file).data)), 'header.__proto__', /unknown field/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].offset = 0; })), 'header.constants[0].offset', /unknown field/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].quant = { bits: 8, scale: [0.02], zeroPoint: [-10] }; })), 'header.values[1].quant', /unknown field/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].axis = 0; })), 'header.values[1].axis', /unknown field/);
  });
  it('rejects tensor indices that are not indices', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.nodes[1].inputs[1] = 11; })), 'header.nodes[1].inputs[1]', /tensor index 0\.\.10 .*got 11/);
    expectModelError(() => decodeModel(withHeader((h) => { h.nodes[1].inputs[1] = 'conv.w'; })), 'header.nodes[1].inputs[1]', /got "conv\.w"/);
    expectModelError(() => decodeModel(withHeader((h) => { h.nodes[1].outputs[0] = 7; })), 'header.nodes[1].outputs[0]', /is a constant/);
    expectModelError(() => decodeModel(withHeader((h) => { h.outputs[0] = -1; })), 'header.outputs[0]', /got -1/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].biasOf = [1]; })), 'header.constants[1].biasOf', /two tensor indices/);
  });
  it('derives a bias only from quantized tensors defined before its first use', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].biasOf = [0, 7]; })), 'header.constants[1].biasOf', /two quantized tensors/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].biasOf = [5, 7]; })), 'header.constants[1].biasOf', /defined before the first node/);
    // a bias of a weight that is not its node's: the derived params differ and the conv says so
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].biasOf = [1, 9]; })), /^header\.nodes\[1\]|^header\.constants\[1\]/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].biasOf = [1, 7]; })), 'header.constants[0].biasOf', /only an int32 bias/);
  });
  it('requires what it cannot derive and refuses quant fields where there is no stored grid', () => {
    expectModelError(() => decodeModel(withHeader((h) => { delete h.values[0].shape; })), 'header.values[0].shape', /graph input needs a shape/);
    expectModelError(() => decodeModel(withHeader((h) => { delete h.values[0].dtype; })), 'header.values[0].dtype', /graph input needs a dtype/);
    expectModelError(() => decodeModel(withHeader((h) => { delete h.values[6].dtype; })), 'header.values[6].dtype', /dequantize does not give its output's dtype/);
    // a grid-keeping op's output with a stored dtype would need stored quant params: the tables no longer match
    expectModelError(() => decodeModel(withHeader((h) => { h.values[3].dtype = 'int8'; })), 'file', /9 scales/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[3].bits = 8; })), 'header.values[3].bits', /no stored quant params/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[6].bits = 8; })), 'header.values[6].bits', /float32 tensor has no stored quant params/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].zeroPoints = 1; })), 'header.constants[0].zeroPoints', /must be true or left out/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].axis = 4; })), 'header.constants[0].axis', /0\.\.3 .*got 4/);
  });
  it('refuses a stored shape for a node output (the op infers it)', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.values[2].shape = [-1, 8, 8, 4]; })), 'header.values[2].shape', /conv2d infers it/);
  });
  it('rejects a data section whose length does not match the buffers and quant tables', () => {
    const data = splitFile(file).data;
    const longer = new Uint8Array(data.length + 1);
    longer.set(data);
    expectModelError(() => decodeModel(withHeader(() => undefined, longer)), 'file', /has 340 bytes; its buffers and quant tables \(8 scales, 3 bytes of zero points\) take 339/);
    expectModelError(() => decodeModel(withHeader(() => undefined, data.subarray(0, data.length - 1))), 'file', /has 338 bytes/);
    // one more per-channel weight axis is one more scale than the file holds
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[2].axis = 1; })), 'file', /10 scales/);
  });
  it('rejects a buffer past the end of the data, without allocating it', () => {
    const huge = withHeader((h) => { h.constants[3].shape = [40000, 50000]; });
    expectModelError(() => decodeModel(huge), 'header.constants[3].shape', /runs past the \d+-byte data section/);
    const tooMany = withHeader((h) => { h.constants[3].shape = [65536, 65536]; });
    expectModelError(() => decodeModel(tooMany), 'header.constants[3].shape', /more than the limit 2147483647/);
  });
  it('rejects non-zero bytes between buffers and before the quant tables', () => {
    const data = splitFile(file).data;
    const dirty = data.slice();
    dirty[74] = 1; // constant 0 (conv.w) ends at 72; constant 1 starts at 80
    expectModelError(() => decodeModel(withHeader(() => undefined, dirty)), 'file.padding', /data byte 74 between buffers must be zero/);
    const dirty2 = data.slice();
    dirty2[301] = 1;
    expectModelError(() => decodeModel(withHeader(() => undefined, dirty2)), 'file.padding', /data byte 301 before the quant tables must be zero/);
  });
  it('checks the decoded model with validateModel', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.nodes[1].op = 'conv3d'; })), 'header.nodes[1].op', /unknown op/);
    // a stored scale that is not a normal float32
    const bad = withBytes((b) => new DataView(b.buffer).setFloat32(file.length - 3 - 4 * 8, 0, true));
    expectModelError(() => decodeModel(bad), 'header.values[1].quant.scale[0]', /must be finite and > 0/);
    // a zero point outside the grid of bits
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].bits = 4; })), 'header.values[1].quant.zeroPoint[0]', /-10 is outside the 4-bit int8 grid/);
  });
});

describe('decodeModel: limits', () => {
  it('applies tighter limits given as options', () => {
    expectModelError(() => decodeModel(file, { limits: { maxHeaderBytes: 100 } }), 'file.headerLength', /more than the limit 100/);
    expectModelError(() => decodeModel(file, { limits: { maxChannelChecks: 10 } }), 'header.nodes[1].inputs', /per-channel entries in total, more than the limit 10/);
    expectModelError(() => decodeModel(file, { limits: { maxNameLength: 3 } }), 'header.values[2].name', /at most 3 characters/);
    expectModelError(() => decodeModel(file, { limits: { maxListLength: 4 } }), 'header.values', /has 7 entries, more than the limit 4/);
    expectModelError(() => decodeModel(file, { limits: { maxRank: 3 } }), 'header.values[0].shape', /more than the limit 3/);
  });
  it('restores the default limits afterwards, also after an error', () => {
    expect(() => decodeModel(file, { limits: { maxRank: 3 } })).toThrow();
    expect(decodeModel(file).nodes.length).toBe(6);
  });
  it('rejects unknown limits and limits above the defaults', () => {
    expectModelError(() => decodeModel(file, { limits: { maxFoo: 1 } as never }), 'options.limits.maxFoo', /unknown limit/);
    expectModelError(() => decodeModel(file, { limits: { maxRank: LIMITS.maxRank + 1 } }), 'options.limits.maxRank', /integer in 0\.\.8/);
  });
});
