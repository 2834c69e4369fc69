import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzip, isGzip, maybeGunzip } from '@qatjs/datasets';
import { errorOf, firstDifference, gunzippedFile, rawFile } from './helpers/files.ts';

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
});
