import { DatasetError } from './errors.ts';

export interface IntCsvOptions {
  /** Every row must have exactly this many columns. */
  columns: number;
  /** Inclusive range of every value, or per column by a function of the column index. */
  range: (column: number) => [min: number, max: number];
  /** A name for error messages. */
  name: string;
}

const INTEGER = /^-?\d+$/;

/**
 * Parses a header-less CSV of integers (as sklearn's digits.csv) into one Int32Array, row after row.
 * Blank lines at the end are allowed; any bad row throws a DatasetError naming its line and column.
 */
export function parseIntCsv(text: string, { columns, range, name }: IntCsvOptions): { rows: number; values: Int32Array } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const values = new Int32Array(lines.length * columns);
  lines.forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== columns) {
      throw new DatasetError(`${name} line ${r + 1}: expected ${columns} comma-separated values, got ${cells.length}`);
    }
    cells.forEach((cell, c) => {
      const s = cell.trim();
      const [min, max] = range(c);
      if (!INTEGER.test(s)) {
        throw new DatasetError(`${name} line ${r + 1}, column ${c + 1}: ${JSON.stringify(cell)} is not an integer`);
      }
      const v = Number(s);
      if (v < min || v > max) {
        throw new DatasetError(`${name} line ${r + 1}, column ${c + 1}: ${v} is outside ${min}..${max}`);
      }
      values[r * columns + c] = v;
    });
  });
  return { rows: lines.length, values };
}
