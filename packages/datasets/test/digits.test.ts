import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadDigits, parseIntCsv } from '@qatjs/datasets';
import { countValues, errorOf, firstDifference, gunzippedFile } from './helpers/files.ts';

const DIGITS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
const csvBytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const row = (pixels: number[], label: number | string): string => [...pixels, label].join(',');
const zeros = new Array<number>(64).fill(0);

describe('loadDigits', () => {
  it('loads 1797 samples of 64 features with the published class counts', async () => {
    const d = await loadDigits();
    expect(d.shape).toEqual([1797, 64]);
    expect(d.numClasses).toBe(10);
    expect(countValues(d.y, 10)).toEqual(DIGITS_COUNTS);
  });

  it('matches every line of the CSV read independently (node:zlib), and scales by 1/16', async () => {
    const d = await loadDigits();
    const lines = new TextDecoder().decode(gunzippedFile('sklearn/digits.csv.gz')).trim().split('\n');
    expect(lines.length).toBe(1797);
    const cells = lines.map((line) => line.split(',').map(Number));
    expect(firstDifference(d.raw, cells.flatMap((v) => v.slice(0, 64)))).toBe(-1);
    expect(firstDifference(d.y, cells.map((v) => v[64]!))).toBe(-1);
    expect(d.raw.reduce((a, v) => Math.max(a, v), 0)).toBe(16);
    expect(firstDifference(d.x, Array.from(d.raw, (v) => Math.fround(v / 16)))).toBe(-1);
  });

  it('reads a user-given CSV, plain or gzipped, and keeps raw values with normalize: false', async () => {
    const text = `${row(zeros.map((_, i) => i % 17), 3)}\n${row(zeros, 9)}\n\n`;
    const plain = await loadDigits({ source: csvBytes(text), normalize: false });
    const gz = await loadDigits({ source: new Uint8Array(gzipSync(csvBytes(text))), normalize: false });
    expect(plain.shape).toEqual([2, 64]);
    expect(Array.from(plain.y)).toEqual([3, 9]);
    expect(plain.x[16]).toBe(16);
    expect(gz).toEqual(plain);
  });

  it('rejects bad CSV rows naming the line and column', async () => {
    const good = row(zeros, 1);
    expect(await errorOf(() => loadDigits({ source: csvBytes(`${good}\n${row(zeros.slice(1), 1)}\n`) }))).toBe(
      'the given bytes line 2: expected 65 comma-separated values, got 64',
    );
    const notInt = zeros.slice();
    notInt[4] = 2.5;
    expect(await errorOf(() => loadDigits({ source: csvBytes(row(notInt, 0)) }))).toBe(
      'the given bytes line 1, column 5: "2.5" is not an integer',
    );
    const tooBig = zeros.slice();
    tooBig[63] = 17;
    expect(await errorOf(() => loadDigits({ source: csvBytes(row(tooBig, 0)) }))).toBe(
      'the given bytes line 1, column 64: 17 is outside 0..16',
    );
    expect(await errorOf(() => loadDigits({ source: csvBytes(row(zeros, 10)) }))).toBe(
      'the given bytes line 1, column 65: 10 is outside 0..9',
    );
    expect(await errorOf(() => loadDigits({ source: csvBytes(row(zeros, '')) }))).toContain('column 65: "" is not an integer');
    expect(await errorOf(() => loadDigits({ source: csvBytes('\n\n') }))).toBe('the given bytes: holds no rows');
    expect(await errorOf(() => loadDigits({ source: new Uint8Array([0xff, 0xfe, 0x00]) }))).toBe('the given bytes: is not valid UTF-8 text');
    expect(await errorOf(() => loadDigits({ source: 42 as never }))).toContain('expected a path, a URL, a Uint8Array or an ArrayBuffer, got 42');
  });

  it('parseIntCsv handles CRLF line ends and checks its ranges', async () => {
    const r = parseIntCsv('1,2\r\n3,-4\r\n', { columns: 2, range: () => [-5, 5], name: 't.csv' });
    expect(r.rows).toBe(2);
    expect(Array.from(r.values)).toEqual([1, 2, 3, -4]);
    expect(await errorOf(() => parseIntCsv('1,9', { columns: 2, range: () => [0, 5], name: 't.csv' }))).toBe(
      't.csv line 1, column 2: 9 is outside 0..5',
    );
  });
});
