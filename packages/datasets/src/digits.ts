import { DatasetError } from './errors.ts';
import { parseIntCsv } from './csv.ts';
import { maybeGunzip } from './gunzip.ts';
import type { LabeledSet } from './labeled-set.ts';
import { toFloat, type Normalize } from './normalize.ts';
import { shippedFileUrl } from './shipped.ts';
import { sourceBytes, sourceName, type DataSource } from './source.ts';
import { decodeUtf8 } from './text.ts';
import { checkOptions } from './validate.ts';

export interface LoadDigitsOptions {
  /** See Normalize; default true (values / 16, in [0, 1]). */
  normalize?: Normalize;
  /** Read this CSV (gzipped or not; path, URL or bytes) instead of the shipped digits.csv.gz. */
  source?: DataSource;
}

/** sklearn's 8x8 digits: x is [N, 64] float32 (row-major 8x8 images), raw the values 0..16. */
export interface DigitsSet extends LabeledSet {
  raw: Uint8Array;
}

const FEATURES = 64;
const MAX_VALUE = 16;
const NUM_CLASSES = 10;

/**
 * Loads scikit-learn's digits (UCI optical recognition of handwritten digits, the test part):
 * 1797 samples of 64 features 0..16 (an 8x8 image, row-major) and labels 0..9. Reshape x to
 * [N, 8, 8, 1] for a CNN.
 */
export async function loadDigits(options?: LoadDigitsOptions): Promise<DigitsSet> {
  const opts = checkOptions<LoadDigitsOptions>('loadDigits', options, ['normalize', 'source']);
  const source = opts.source ?? shippedFileUrl('digits-csv');
  const name = sourceName(source);
  const text = decodeUtf8(await maybeGunzip(await sourceBytes(source, name), name), name);
  const { rows, values } = parseIntCsv(text, {
    columns: FEATURES + 1,
    range: (c) => (c < FEATURES ? [0, MAX_VALUE] : [0, NUM_CLASSES - 1]),
    name,
  });
  if (rows === 0) throw new DatasetError(`${name}: holds no rows`);
  const raw = new Uint8Array(rows * FEATURES);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < FEATURES; c++) raw[r * FEATURES + c] = values[r * (FEATURES + 1) + c]!;
    y[r] = values[r * (FEATURES + 1) + FEATURES]!;
  }
  return {
    x: toFloat(raw, MAX_VALUE, opts.normalize ?? true, 'loadDigits'),
    y,
    shape: [rows, FEATURES],
    numClasses: NUM_CLASSES,
    raw,
  };
}
