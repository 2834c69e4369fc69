import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '@qatjs/ir';
import { DatasetError, MAX_IDX_BYTES, loadIdx, loadIdxImagesAndLabels, parseIdx, parseIdxSync, shippedFileUrl } from '@qatjs/datasets';
import { be32, dataUrl, errorOf, firstDifference, gunzippedFile, idxBytes, rawFile } from './helpers/files.ts';
import { gzipRepeat } from './helpers/gzip-bomb.ts';

const gzip = (b: Uint8Array): Uint8Array => new Uint8Array(gzipSync(b));

describe('parseIdx on the shipped MNIST files', () => {
  it('reads the test image file: dims from the header, data equal to the bytes after it', async () => {
    const raw = gunzippedFile('mnist/t10k-images-idx3-ubyte.gz');
    const idx = await parseIdx(rawFile('mnist/t10k-images-idx3-ubyte.gz'));
    expect(be32(raw, 0)).toBe(0x803);
    expect(idx.dims).toEqual([be32(raw, 4), be32(raw, 8), be32(raw, 12)]);
    expect(idx.dims).toEqual([10000, 28, 28]);
    expect(idx.data.length).toBe(raw.length - 16);
    expect(firstDifference(idx.data, raw.subarray(16))).toBe(-1);
  });

  it('gives the same result for gzipped and uncompressed input, and for an ArrayBuffer', async () => {
    const raw = gunzippedFile('mnist/t10k-labels-idx1-ubyte.gz');
    const fromGz = await parseIdx(rawFile('mnist/t10k-labels-idx1-ubyte.gz'));
    const fromRaw = await parseIdx(raw);
    const fromBuffer = await parseIdx(raw.slice().buffer);
    expect(fromGz.dims).toEqual([10000]);
    expect(fromRaw).toEqual(fromGz);
    expect(fromBuffer).toEqual(fromGz);
    expect(parseIdxSync(raw)).toEqual(fromGz);
  });

  it('loads by path string, by file URL and by bytes alike', async () => {
    const url = dataUrl('mnist/train-labels-idx1-ubyte.00000-09999.gz');
    const byUrl = await loadIdx(url);
    const byPath = await loadIdx(decodeURIComponent(url.pathname));
    const byBytes = await loadIdx(rawFile('mnist/train-labels-idx1-ubyte.00000-09999.gz'));
    expect(byUrl.dims).toEqual([10000]);
    expect(byPath).toEqual(byUrl);
    expect(byBytes).toEqual(byUrl);
  });

  it('returns data that does not alias the input', () => {
    const bytes = idxBytes([3], [7, 8, 9]);
    const idx = parseIdxSync(bytes);
    bytes[4 + 4] = 0;
    expect(Array.from(idx.data)).toEqual([7, 8, 9]);
  });
});

describe('parseIdx errors', () => {
  it('rejects a wrong magic number, naming it', async () => {
    const bad = idxBytes([2], [1, 2]);
    bad[0] = 0x12;
    bad[1] = 0x34;
    const msg = await errorOf(() => parseIdx(bad));
    expect(msg).toContain('wrong magic number 0x12340801');
    // Plain text is rejected the same way, its first four bytes shown as the magic.
    expect(await errorOf(() => parseIdx(new TextEncoder().encode('hello world')))).toContain('wrong magic number 0x68656c6c');
  });

  it('rejects type codes other than unsigned byte, naming the type', async () => {
    expect(await errorOf(() => parseIdx(idxBytes([1], [0, 0, 0, 0], 0x0d)))).toBe(
      'IDX data: IDX type code 0x0d (float32) is not supported; only 0x08 (unsigned byte) is',
    );
    expect(await errorOf(() => parseIdx(idxBytes([1], [0], 0x42)))).toContain('unknown IDX type code 0x42');
  });

  it('rejects zero dimensions and a dimension count other than the one required', async () => {
    expect(await errorOf(() => parseIdx(idxBytes([], [])))).toContain('the header declares 0 dimensions');
    const labels = idxBytes([2], [1, 2]);
    expect(await errorOf(() => parseIdx(labels, { ndim: 3, name: 'labels.idx' }))).toBe(
      'labels.idx: expected 3 dimension(s), the header declares 1',
    );
  });

  it('rejects a file too short for its header', async () => {
    expect(await errorOf(() => parseIdx(new Uint8Array([0, 0, 8])))).toContain('3 bytes is too short for an IDX header');
    const header = idxBytes([10000, 28, 28], []).subarray(0, 12);
    expect(await errorOf(() => parseIdx(header))).toContain('truncated header: 3 dimension(s) need 16 header bytes, got 12');
  });

  it('rejects truncated and over-long data, naming the expected and actual sizes', async () => {
    const full = gunzippedFile('mnist/t10k-images-idx3-ubyte.gz');
    const truncated = await errorOf(() => parseIdx(full.subarray(0, full.length - 100)));
    expect(truncated).toBe(
      'IDX data: truncated: dims [10000, 28, 28] need 7840016 bytes (16 header + 7840000 data), got 7839916 (100 missing)',
    );
    const longer = new Uint8Array(full.length + 3);
    longer.set(full);
    expect(await errorOf(() => parseIdx(longer, { name: 'x' }))).toBe(
      'x: over-long: dims [10000, 28, 28] need 7840016 bytes (16 header + 7840000 data), got 7840019 (3 extra)',
    );
    // gzipped, decompression stops as soon as the output passes what the header declares
    expect(await errorOf(() => parseIdx(gzip(longer), { name: 'x.gz' }))).toMatch(
      /^x\.gz: over-long: dims \[10000, 28, 28\] need 7840016 bytes \(16 header \+ 7840000 data\); the gzip data decompresses to more \(stopped at 784\d{4} bytes\)$/,
    );
  });

  it('refuses 0 dimensions, 0-row images and dims whose product passes the limit, naming the dimension', async () => {
    const cases: Array<[number[], string]> = [
      [[0, 28, 28], 'dimension 0 of [0, 28, 28] is 0'],
      [[2, 0, 28], 'dimension 1 of [2, 0, 28] is 0'], // 0-row images
      [[2, 28, 0], 'dimension 2 of [2, 28, 0] is 0'],
      [[0, 2 ** 32 - 1, 2 ** 32 - 1], 'dimension 0 of [0, 4294967295, 4294967295] is 0'],
      [[1, 2 ** 32 - 1, 2 ** 32 - 1], 'dims [1, 4294967295, 4294967295] declare more than 1073741824 bytes of data (the limit; the product passes it at dimension 1)'],
      [[65536, 65536], 'the product passes it at dimension 1'],
      [[2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1], 'at dimension 0'],
    ];
    for (const [dims, message] of cases) {
      const bytes = idxBytes(dims, [1, 2, 3]);
      expect(await errorOf(() => parseIdx(bytes))).toContain(message);
      expect(await errorOf(() => parseIdx(gzip(bytes)))).toContain(message); // from the first decompressed bytes
      expect(await errorOf(() => parseIdxSync(bytes))).toContain(message);
    }
    expect(MAX_IDX_BYTES).toBe(2 ** 30);
    // a tighter limit as an option
    const images = idxBytes([2, 2, 2], new Array(8).fill(1));
    expect((await parseIdx(images, { maxBytes: 8 })).dims).toEqual([2, 2, 2]);
    expect(await errorOf(() => parseIdx(images, { maxBytes: 7 }))).toContain('declare more than 7 bytes of data (the limit; the product passes it at dimension 2)');
    expect(await errorOf(() => parseIdx(images, { maxBytes: 2 ** 31 }))).toContain('parseIdx: maxBytes must be an integer in 1..1073741824');
  });

  it('refuses a 1 MB gzip that declares 1 label and expands to 1 GiB of zeros, without decompressing it', async () => {
    const header = idxBytes([1], [0]); // 00 00 08 01, 1 label: the label 0
    const repeats = Math.ceil(2 ** 30 / 258);
    const bomb = gzipRepeat(header, repeats);
    expect(bomb.length).toBeLessThan(1.1e6);
    expect(await errorOf(() => parseIdx(bomb, { name: 'bomb.gz' }))).toMatch(
      /^bomb\.gz: over-long: dims \[1\] need 9 bytes \(8 header \+ 1 data\); the gzip data decompresses to more \(stopped at \d+ bytes\)$/,
    );
    // the generator is sound: a small one decodes (node:zlib agrees) to the header and 258 * n zeros
    const small = idxBytes([9 + 258 * 3 - 8], new Array(258 * 3 + 1).fill(0));
    const good = gzipRepeat(small.subarray(0, 9), 3, { crc: crc32(small), size: small.length });
    expect(firstDifference(new Uint8Array(gunzipSync(good)), small)).toBe(-1);
    expect((await parseIdx(good)).dims).toEqual([258 * 3 + 1]);
  });

  it('rejects corrupt or truncated gzip data', async () => {
    const gz = rawFile('mnist/t10k-labels-idx1-ubyte.gz');
    expect(await errorOf(() => parseIdx(gz.subarray(0, 1000)))).toContain('IDX data: corrupt or truncated gzip data');
    const corrupt = gz.slice();
    corrupt[corrupt.length - 6]! ^= 0xff; // inside the CRC32 trailer
    expect(await errorOf(() => parseIdx(corrupt))).toContain('corrupt or truncated gzip data');
  });

  it('asks for the async parser when parseIdxSync gets gzip, and rejects non-bytes', async () => {
    expect(await errorOf(() => parseIdxSync(rawFile('mnist/t10k-labels-idx1-ubyte.gz')))).toContain('use the async parseIdx');
    expect(await errorOf(() => parseIdx('x.idx' as never))).toContain('expected a Uint8Array or an ArrayBuffer');
    expect(await errorOf(() => parseIdx(idxBytes([1], [1]), { ndims: 1 } as never))).toContain("unknown option 'ndims'");
  });

  it('names a missing file', async () => {
    const msg = await errorOf(() => loadIdx('/nonexistent/file.idx'));
    expect(msg).toContain('cannot read /nonexistent/file.idx');
  });
});

describe('loadIdxImagesAndLabels', () => {
  it('pairs the shipped test files', async () => {
    const r = await loadIdxImagesAndLabels(shippedFileUrl('mnist-test-images'), shippedFileUrl('mnist-test-labels'));
    const labels = gunzippedFile('mnist/t10k-labels-idx1-ubyte.gz');
    expect({ count: r.count, rows: r.rows, cols: r.cols }).toEqual({ count: 10000, rows: 28, cols: 28 });
    expect(r.labels).toEqual(labels.subarray(8));
    expect(r.images.length).toBe(10000 * 784);
  });

  it('rejects mismatched counts', async () => {
    const images = idxBytes([3, 2, 2], new Array(12).fill(1));
    const labels = idxBytes([2], [0, 1]);
    const msg = await errorOf(() => loadIdxImagesAndLabels(images, labels));
    expect(msg).toBe('mismatched counts: the image file holds 3 images but the label file holds 2 labels');
  });

  it('rejects images and labels passed the wrong way round', async () => {
    const images = idxBytes([1, 2, 2], [1, 2, 3, 4]);
    const labels = idxBytes([1], [0]);
    const msg = await errorOf(() => loadIdxImagesAndLabels(labels, images));
    expect(msg).toBe('image file the given bytes: expected 3 dimension(s), the header declares 1');
    await expect(loadIdxImagesAndLabels(labels, images)).rejects.toBeInstanceOf(DatasetError);
  });
});
