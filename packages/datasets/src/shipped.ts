// The data files shipped in this package's data/ folder (see data/README.md). Each URL is written as
// a literal `new URL('../data/...', import.meta.url)` so that bundlers can find the file as an asset.
// This file sits directly in src/ (and dist/), so '../data' is the package's data folder from both.

import { DatasetError } from './errors.ts';

const FILES = {
  'mnist-train-images': () => new URL('../data/mnist/train-images-idx3-ubyte.00000-09999.gz', import.meta.url),
  'mnist-train-labels': () => new URL('../data/mnist/train-labels-idx1-ubyte.00000-09999.gz', import.meta.url),
  'mnist-test-images': () => new URL('../data/mnist/t10k-images-idx3-ubyte.gz', import.meta.url),
  'mnist-test-labels': () => new URL('../data/mnist/t10k-labels-idx1-ubyte.gz', import.meta.url),
  'digits-csv': () => new URL('../data/sklearn/digits.csv.gz', import.meta.url),
  'digits-description': () => new URL('../data/sklearn/digits.rst', import.meta.url),
  'tinyshakespeare': () => new URL('../data/tinyshakespeare/input.txt', import.meta.url),
} as const;

/** The name of a file shipped with @qatjs/datasets. */
export type ShippedFile = keyof typeof FILES;

/** The names of all shipped files. */
export const SHIPPED_FILES = Object.freeze(Object.keys(FILES) as ShippedFile[]);

/** The URL (file: under Node, Deno and Bun) of a shipped data file, e.g. for the CLI or a user's own loader. */
export function shippedFileUrl(name: ShippedFile): URL {
  const make = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!make) throw new DatasetError(`unknown shipped file '${String(name)}' (known: ${SHIPPED_FILES.join(', ')})`);
  return make();
}
