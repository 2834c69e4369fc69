// --data csv:<file>: numeric features, the class in the last column, an optional header.
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDigits } from '@qatjs/datasets';
import { parseLabeledCsv } from '../src/data/csv.ts';
import { qat, tempDir } from './helpers.ts';

describe('qat train on a CSV file', () => {
  it('trains the MLP on digits written as CSV with a header', async () => {
    const dir = await tempDir();
    const d = await loadDigits({ normalize: false });
    const lines = [Array.from({ length: 64 }, (_, i) => `p${i}`).concat('label').join(',')];
    for (let i = 0; i < d.y.length; i++) lines.push([...Array.from(d.x.subarray(i * 64, i * 64 + 64), (v) => v / 16), d.y[i]].join(','));
    const file = join(dir, 'digits.csv');
    await writeFile(file, lines.join('\n'));
    const r = await qat('train', '--model', 'mlp', '--data', `csv:${file}`, '--epochs', '3', '--out', join(dir, 'run'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).accuracy).toBeGreaterThan(80);
  });

  it('parses features and labels, and names the line of a bad cell', () => {
    const s = parseLabeledCsv('a,b,c\n1,2,0\n3.5,-1,2\n', 'f.csv');
    expect(Array.from(s.x)).toEqual([1, 2, 3.5, -1]);
    expect(Array.from(s.y)).toEqual([0, 2]);
    expect(s).toMatchObject({ shape: [2, 2], numClasses: 3 });
    expect(() => parseLabeledCsv('1,2,0\n1,x,1\n', 'f.csv')).toThrow("f.csv: line 2, column 2: 'x' is not a number");
    expect(() => parseLabeledCsv('1,2,0\n1,2\n', 'f.csv')).toThrow('f.csv: line 2 has 2 columns, the first row 3');
    expect(() => parseLabeledCsv('1,2,0.5\n', 'f.csv')).toThrow("f.csv: line 1: the class '0.5' (last column) is not an integer >= 0");
    expect(() => parseLabeledCsv('1,0\n2,0\n', 'f.csv')).toThrow('f.csv: every row has class 0; a classifier needs at least 2 classes');
    expect(() => parseLabeledCsv('\n', 'f.csv')).toThrow('f.csv: the CSV file is empty');
  });
});
