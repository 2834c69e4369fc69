import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, LIMITS, MAGIC, crc32, decodeModel, encodeModel } from '@qatjs/ir';
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
    expect(new DataView(file.buffer).getUint32(8, true)).toBe(2);
    expect(new DataView(file.buffer).getUint32(16, true)).toBe(crc32(new Uint8Array([...file.subarray(0, 16), ...file.subarray(20)])));
    expect(dataStart % 16).toBe(0);
  });
  it('rejects a file shorter than the preamble', () => {
    expectModelError(() => decodeModel(new Uint8Array(0)), 'file', /too short/);
    expectModelError(() => decodeModel(file.subarray(0, 15)), 'file', /15 bytes is too short/);
  });
  it('refuses a file whose CRC-32 does not match its bytes: a flipped weight bit, a changed scale digit, a cut', () => {
    const flipped = withBytes((b) => { b[dataStart + 3] ^= 0x01; }, false); // a conv weight
    expectModelError(() => decodeModel(flipped), 'file.crc', /the file is corrupt: its bytes have CRC-32 0x[0-9a-f]{8}, the file says 0x[0-9a-f]{8}/);
    const text = new TextDecoder().decode(file.subarray(20, headerEnd));
    const digit = 20 + text.indexOf('"scale":[') + '"scale":[0.'.length;
    expect(String.fromCharCode(file[digit])).toMatch(/[0-9]/);
    const scaled = withBytes((b) => { b[digit] = b[digit] === 0x39 ? 0x38 : b[digit] + 1; }, false);
    expectModelError(() => decodeModel(scaled), 'file.crc', /corrupt/);
    expectModelError(() => decodeModel(file.subarray(0, file.length - 16)), 'file.crc', /corrupt/);
    expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(16, v.getUint32(16, true) ^ 1, true), false)), 'file.crc', /corrupt/);
    // the same damage with the checksum recomputed gets past it (a forged file is checked as before)
    expect(() => decodeModel(seal(flipped))).not.toThrow();
  });
  it('rejects a wrong magic', () => expectModelError(() => decodeModel(withBytes((b) => { b[1] = 0x50; })), 'file.magic', /not an IntModel file/));
  it('rejects another format version', () => expectModelError(() => decodeModel(withBytes((_, v) => v.setUint32(8, 3, true))), 'file.formatVersion', /understands format version 2, got 3/));
  it('refuses a version-1 file (no checksum) and says how to make a new one', () => {
    expect(FORMAT_VERSION).toBe(2);
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
    expectModelError(() => decodeModel(v1), 'file.formatVersion', /format version 1, which has no checksum; this reader understands version 2 only\. .*run convert\(\) again .* encodeModel\(\)/);
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
  it('rejects unknown keys, __proto__ included', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.extra = 1; })), 'header.extra', /unknown field/);
    expectModelError(() => decodeModel(joinFile(JSON.stringify(splitFile(file).header).replace('{', '{"__proto__":{"version":1},'), splitFile(file).data)), 'header.__proto__', /unknown field/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].stride = 4; })), 'header.constants[0].stride', /unknown field/);
  });
  it('reads a scale written as a short decimal as the float32 it rounds to', () => {
    // values[5] is the gemm's output: its scale only sets a requantization multiplier
    const m = decodeModel(withHeader((h) => { h.values[5].quant.scale = [0.1]; }));
    expect(m.values[5].quant?.scale[0]).toBe(Math.fround(0.1));
  });
  it('writes each scale as a short decimal that reads back to the same float32', () => {
    let seed = 12345;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const x = Math.fround(0.001 + (seed / 2 ** 32) * 0.1);
      const model = structuredClone(buildSmall()) as any;
      model.values[5].quant.scale = Float32Array.of(x);
      const bytes = encodeModel(model);
      expect(decodeModel(bytes).values[5].quant?.scale[0]).toBe(x);
      const text = new TextDecoder().decode(bytes.subarray(20, 20 + new DataView(bytes.buffer).getUint32(12, true)));
      const written = /"scale":\[([^\]]*)\]/.exec(text.slice(text.indexOf(`"name":"${model.values[5].name}"`)))?.[1] ?? '';
      expect(written.replace(/^0\.0*|\.|e.*$/g, '').length).toBeLessThanOrEqual(9);
    }
  });
  it('rejects a scale that is not a number in float32 range', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].quant.scale = ['0.5']; })), 'header.values[1].quant.scale[0]', /got "0\.5"/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].quant.scale = [1e39]; })), 'header.values[1].quant.scale[0]', /float32/);
  });
  it('rejects zero points that are not int32', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].quant.zeroPoint = [2 ** 31]; })), 'header.values[1].quant.zeroPoint[0]', /must be an int32/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[1].quant.zeroPoint = [1.5]; })), 'header.values[1].quant.zeroPoint[0]', /must be an int32/);
  });
  it('rejects a buffer offset other than the next aligned one', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].offset += 16; })), 'header.constants[1].offset', /must be 80 .*aligned.*got 96/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[1].offset = 75; })), 'header.constants[1].offset', /got 75/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].offset = -16; })), 'header.constants[0].offset', /got -16/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].offset = '0'; })), 'header.constants[0].offset', /got "0"/);
  });
  it('rejects a byte length that does not match shape x dtype', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].byteLength = 71; })), 'header.constants[0].byteLength', /must be 72/);
    expectModelError(() => decodeModel(withHeader((h) => { h.constants[0].byteLength = -72; })), 'header.constants[0].byteLength', /got -72/);
    expectModelError(() => decodeModel(withHeader((h) => { delete h.constants[0].byteLength; })), 'header.constants[0].byteLength', /got undefined/);
  });
  it('rejects a buffer past the end of the data, without allocating it', () => {
    const huge = withHeader((h) => { h.constants[3].shape = [40000, 50000]; h.constants[3].byteLength = 8e9; });
    expectModelError(() => decodeModel(huge), 'header.constants[3].byteLength', /runs past the \d+-byte data section/);
    const tooMany = withHeader((h) => { h.constants[3].shape = [65536, 65536]; });
    expectModelError(() => decodeModel(tooMany), 'header.constants[3].shape', /more than the limit 2147483647/);
    const data = splitFile(file).data;
    expectModelError(() => decodeModel(withHeader(() => undefined, data.subarray(0, data.length - 1))), 'header.constants[3].byteLength', /runs past/);
  });
  it('rejects bytes after the last buffer and non-zero bytes between buffers', () => {
    const data = splitFile(file).data;
    const longer = new Uint8Array(data.length + 16);
    longer.set(data);
    expectModelError(() => decodeModel(withHeader(() => undefined, longer)), 'file', /16 bytes follow the last buffer/);
    const dirty = data.slice();
    dirty[74] = 1; // constant 0 (conv.w) ends at 72; constant 1 starts at 80
    expectModelError(() => decodeModel(withHeader(() => undefined, dirty)), 'file.padding', /data byte 74 between buffers must be zero/);
  });
  it('checks the decoded model with validateModel', () => {
    expectModelError(() => decodeModel(withHeader((h) => { h.nodes[1].op = 'conv3d'; })), 'nodes[1].op', /unknown op/);
    expectModelError(() => decodeModel(withHeader((h) => { h.values[2].shape[3] = 5; })), 'nodes[1].outputs[0]', /declared/);
    expectModelError(() => decodeModel(withHeader((h) => { h.version = 2; })), 'version', /got 2/);
  });
});

describe('decodeModel: limits', () => {
  it('applies tighter limits given as options', () => {
    expectModelError(() => decodeModel(file, { limits: { maxHeaderBytes: 100 } }), 'file.headerLength', /more than the limit 100/);
    expectModelError(() => decodeModel(file, { limits: { maxChannelChecks: 10 } }), 'nodes[1].inputs', /per-channel entries in total, more than the limit 10/);
    expectModelError(() => decodeModel(file, { limits: { maxNameLength: 3 } }), 'values[2].name', /at most 3 characters/);
    expectModelError(() => decodeModel(file, { limits: { maxListLength: 4 } }), 'header.values', /has 7 entries, more than the limit 4/);
    expectModelError(() => decodeModel(file, { limits: { maxRank: 3 } }), 'header.constants[0].shape', /more than the limit 3/);
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
