// Property-based fuzzing of parseIdx (tools/test-utils/src/fuzz.ts): IDX headers with any type code,
// dimension count and dims (0 and 2^32 - 1 included), data shorter, equal or longer than declared,
// gzipped or not, and raw bytes. Each case parses to dims whose product is the data length, or throws
// DatasetError.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError, parseIdx, parseIdxSync } from '@qatjs/datasets';
import { fc, fuzz } from '@qatjs/test-utils/fuzz';
import { idxBytes } from './helpers/files.ts';

const dim = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1, 28, 65536, 2 ** 31, 2 ** 32 - 1), fc.nat());

const idx = fc.record({
  dims: fc.array(dim, { maxLength: 4 }),
  type: fc.oneof({ weight: 4, arbitrary: fc.constant(0x08) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
  delta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
  gzip: fc.boolean(),
  magic: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(255), fc.nat(255)) }),
}).map(({ dims, type, delta, gzip, magic }) => {
  const declared = dims.reduce((a, d) => a * d, 1);
  const length = Math.max(0, Math.min(declared, 4096) + delta); // never build what a huge header declares
  const bytes = idxBytes(dims, new Uint8Array(length).fill(7), type);
  if (magic) bytes.set(magic, 0);
  return gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
});

const input = fc.oneof({ weight: 5, arbitrary: idx }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) });

describe('fuzz: parseIdx', () => {
  it('every IDX input parses consistently or throws DatasetError', async () => {
    const out = await fuzz(
      'datasets.parseIdx',
      fc.record({ bytes: input, ndim: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }) }),
      async ({ bytes, ndim }) => {
        const options = ndim === undefined ? undefined : { ndim };
        const r = await parseIdx(bytes, options);
        if (r.data.length !== r.dims.reduce((a, d) => a * d, 1) || r.dims.some((d) => d === 0)) throw new Error(`inconsistent result: dims [${r.dims.join(', ')}], ${r.data.length} bytes`);
        if (bytes[0] !== 0x1f) expect(parseIdxSync(bytes, options)).toEqual(r);
      },
      (e) => e instanceof DatasetError,
    );
    expect(out.report).toBe('');
    expect(out.failures).toBe(0);
  });
});
