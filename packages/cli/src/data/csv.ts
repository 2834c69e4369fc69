import type { LabeledSet } from '@qatjs/datasets';
import { badInput } from '../errors.ts';

/**
 * A CSV of numeric features with the class id (an integer >= 0) in the last column; a first line
 * that is not all numbers is a header. Every row must have the same number of columns.
 */
export function parseLabeledCsv(text: string, name: string): LabeledSet {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw badInput(`${name}: the CSV file is empty`);
  const cells = lines.map((l) => l.split(',').map((c) => c.trim()));
  const numeric = (row: string[]) => row.every((c) => c !== '' && Number.isFinite(Number(c)));
  const rows = numeric(cells[0]!) ? cells : cells.slice(1);
  const first = rows[0];
  if (!first) throw badInput(`${name}: the CSV file has a header but no rows`);
  const columns = first.length;
  if (columns < 2) throw badInput(`${name}: a row needs at least one feature and the class column, got ${columns} column`);
  const features = columns - 1;
  const x = new Float32Array(rows.length * features);
  const y = new Int32Array(rows.length);
  const offset = rows === cells ? 1 : 2;
  rows.forEach((row, r) => {
    if (row.length !== columns) throw badInput(`${name}: line ${r + offset} has ${row.length} columns, the first row ${columns}`);
    for (let c = 0; c < features; c++) {
      const v = Number(row[c]);
      if (row[c] === '' || !Number.isFinite(v)) throw badInput(`${name}: line ${r + offset}, column ${c + 1}: '${row[c]}' is not a number`);
      x[r * features + c] = v;
    }
    const label = Number(row[features]);
    if (!Number.isInteger(label) || label < 0) throw badInput(`${name}: line ${r + offset}: the class '${row[features]}' (last column) is not an integer >= 0`);
    y[r] = label;
  });
  const numClasses = y.reduce((a, b) => Math.max(a, b), 0) + 1;
  if (numClasses < 2) throw badInput(`${name}: every row has class 0; a classifier needs at least 2 classes`);
  return { x, y, shape: [rows.length, features], numClasses };
}
