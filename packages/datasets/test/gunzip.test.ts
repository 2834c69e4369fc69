import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_GUNZIP_BYTES, gunzip, isGzip, maybeGunzip } from '@qatjs/datasets';
import { errorOf, firstDifference, gunzippedFile, rawFile } from './helpers/files.ts';
import { gzipRepeat } from './helpers/gzip-bomb.ts';

describe('gunzip (DecompressionStream)', () => {
  it('decompresses the shipped files exactly as node:zlib does', async () => {
    for (const f of ['mnist/t10k-labels-idx1-ubyte.gz', 'sklearn/digits.csv.gz']) {
      expect(firstDifference(await gunzip(rawFile(f)), gunzippedFile(f))).toBe(-1);
    }
  });

  it('detects gzip by its magic bytes and passes other data through', async () => {
    const text = new TextEncoder().encode('plain');
    const gz = new Uint8Array(gzipSync(text));
    expect([isGzip(gz), isGzip(text), isGzip(new Uint8Array([0x1f]))]).toEqual([true, false, false]);
    expect(await maybeGunzip(text)).toBe(text);
    expect(await maybeGunzip(gz)).toEqual(text);
  });

  it('rejects non-gzip and broken gzip data', async () => {
    expect(await errorOf(() => gunzip(new Uint8Array([1, 2, 3]), 'f.gz'))).toBe(
      'f.gz: not gzip data (the first bytes are not the gzip magic 1f 8b)',
    );
    const gz = new Uint8Array(gzipSync(new Uint8Array(1000).fill(7)));
    expect(await errorOf(() => gunzip(gz.subarray(0, gz.length - 10), 'f.gz'))).toContain('f.gz: corrupt or truncated gzip data (');
  });

  it('stops at options.maxBytes (default 1 GiB) and at the bound options.limit finds in the first bytes', async () => {
    expect(MAX_GUNZIP_BYTES).toBe(2 ** 30);
    const gz = new Uint8Array(gzipSync(new Uint8Array(100_000).fill(7)));
    expect((await gunzip(gz, 'f.gz', { maxBytes: 100_000 })).length).toBe(100_000);
    expect(await errorOf(() => gunzip(gz, 'f.gz', { maxBytes: 99_999 }))).toMatch(
      /^f\.gz: more than 99999 bytes \(the limit, options\.maxBytes\); the gzip data decompresses to more \(stopped at \d+ bytes\)$/,
    );
    // 2 GiB of 7s in about 2 MB: refused at the bound, long before its end
    const bomb = gzipRepeat(Uint8Array.of(7), Math.ceil(2 ** 31 / 258));
    expect(await errorOf(() => gunzip(bomb, 'bomb.gz', { limit: (head) => (head.length >= 1 ? { bytes: 1000, reason: 'the first byte says 1000' } : undefined) }))).toMatch(
      /^bomb\.gz: over-long: the first byte says 1000; the gzip data decompresses to more \(stopped at \d+ bytes\)$/,
    );
    expect(await errorOf(() => gunzip(bomb, 'bomb.gz', { maxBytes: 1 << 20 }))).toContain('more than 1048576 bytes (the limit');
  });

  it('validates its options', async () => {
    const gz = new Uint8Array(gzipSync(new Uint8Array(10)));
    expect(await errorOf(() => gunzip(gz, 'f', { maxBytes: 2 ** 31 }))).toContain('gunzip: maxBytes must be an integer in 0..1073741824');
    expect(await errorOf(() => gunzip(gz, 'f', { limit: 3 } as never))).toContain('gunzip: limit must be a function');
    expect(await errorOf(() => gunzip(gz, 'f', { max: 3 } as never))).toContain("gunzip: unknown option 'max'");
    expect(await errorOf(() => gunzip([1, 2] as never))).toContain('expected a Uint8Array');
  });
});
