import { DatasetError, describeValue } from './errors.ts';
import { loadIdxImagesAndLabels } from './idx.ts';
import type { LabeledSet } from './labeled-set.ts';
import { toFloat, type Normalize } from './normalize.ts';
import { shippedFileUrl } from './shipped.ts';
import type { DataSource } from './source.ts';
import { checkInt, checkOptions } from './validate.ts';

export interface LoadMnistOptions {
  /**
   * 'train': the first 10,000 official training images (shipped); 'test': the official 10,000.
   * Required for the shipped files; ignored (optional) when `images` and `labels` are given.
   */
  split?: 'train' | 'test';
  /** Keep only the first `limit` samples (in file order). */
  limit?: number;
  /** See Normalize; default true (pixels / 255, in [0, 1]). */
  normalize?: Normalize;
  /**
   * Read these IDX files (paths, URLs or bytes; gzipped or not) instead of the shipped ones. Give both
   * or neither: images without labels are refused (they would be paired with the shipped labels). For
   * a data set other than MNIST (any class count), use loadIdxClassification.
   */
  images?: DataSource;
  labels?: DataSource;
}

/** An MNIST-format split: x is NHWC [N, rows, cols, 1] float32, raw the pixels 0..255. */
export interface MnistSet extends LabeledSet {
  raw: Uint8Array;
}

const OPTION_NAMES = ['split', 'limit', 'normalize', 'images', 'labels'] as const;
const NUM_CLASSES = 10;

/**
 * Loads MNIST (or any MNIST-format pair of IDX files, e.g. Fashion-MNIST) as typed arrays:
 * images NHWC [N, 28, 28, 1] in [0, 1] (by default), the raw uint8 pixels, and labels 0..9.
 */
export async function loadMnist(options: LoadMnistOptions): Promise<MnistSet> {
  const opts = checkOptions<LoadMnistOptions>('loadMnist', options, OPTION_NAMES);
  const { split, limit, normalize = true } = opts;
  const own = opts.images !== undefined || opts.labels !== undefined;
  if (own && (opts.images === undefined || opts.labels === undefined)) {
    throw new DatasetError(
      `loadMnist: ${opts.images === undefined ? 'labels' : 'images'} given without ${opts.images === undefined ? 'images' : 'labels'}; give both IDX files (the shipped MNIST ${opts.images === undefined ? 'images' : 'labels'} are never paired with yours)`,
    );
  }
  if (!own && split !== 'train' && split !== 'test') {
    throw new DatasetError(`loadMnist: split must be 'train' or 'test', got ${describeValue(split)}`);
  }
  if (own && split !== undefined && split !== 'train' && split !== 'test') {
    throw new DatasetError(`loadMnist: split must be 'train' or 'test', got ${describeValue(split)}`);
  }
  const file = await loadIdxImagesAndLabels(
    opts.images ?? shippedFileUrl(`mnist-${split as 'train' | 'test'}-images`),
    opts.labels ?? shippedFileUrl(`mnist-${split as 'train' | 'test'}-labels`),
  );
  const n = limit === undefined ? file.count : checkInt('loadMnist: limit', limit, 1, file.count);
  const pixels = file.rows * file.cols;
  // A copy when limited, so the full file's buffer is not kept alive by a small subset.
  const raw = n === file.count ? file.images : file.images.slice(0, n * pixels);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = file.labels[i]!;
    if (c >= NUM_CLASSES) throw new DatasetError(`loadMnist: label ${c} of sample ${i} is not a digit 0..9`);
    y[i] = c;
  }
  return {
    x: toFloat(raw, 255, normalize, 'loadMnist'),
    y,
    shape: [n, file.rows, file.cols, 1],
    numClasses: NUM_CLASSES,
    raw,
  };
}
