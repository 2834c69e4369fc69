import { DatasetError } from './errors.ts';
import { loadIdxImagesAndLabels } from './idx.ts';
import type { LabeledSet } from './labeled-set.ts';
import { toFloat, type Normalize } from './normalize.ts';
import type { DataSource } from './source.ts';
import { checkInt, checkOptions } from './validate.ts';

export interface LoadIdxClassificationOptions {
  /** The image IDX file (N x rows x cols unsigned bytes; path, URL or bytes; gzipped or not). Required. */
  images: DataSource;
  /** The label IDX file (N unsigned bytes, class ids 0..255). Required: never filled in from other data. */
  labels: DataSource;
  /** Keep only the first `limit` samples (in file order). */
  limit?: number;
  /** See Normalize; default true (pixels / 255, in [0, 1]). */
  normalize?: Normalize;
  /**
   * The number of classes. Default: the largest label + 1, read from the labels. Pass it when a split
   * may lack the last classes (a small test set), so the train and test splits agree.
   */
  numClasses?: number;
}

/** A classification set from IDX files: x is NHWC [N, rows, cols, 1] float32, raw the pixels 0..255. */
export interface IdxClassificationSet extends LabeledSet {
  raw: Uint8Array;
}

const OPTION_NAMES = ['images', 'labels', 'limit', 'normalize', 'numClasses'] as const;

/**
 * Loads any MNIST-format classification data set (MNIST, Fashion-MNIST, KMNIST, EMNIST, your own)
 * from an image IDX file and a label IDX file: the image size comes from the image file and the class
 * count from the labels (largest label + 1, or `numClasses`). Both files are required; nothing shipped
 * is mixed in.
 */
export async function loadIdxClassification(options: LoadIdxClassificationOptions): Promise<IdxClassificationSet> {
  const opts = checkOptions<LoadIdxClassificationOptions>('loadIdxClassification', options, OPTION_NAMES);
  if (opts.images === undefined) throw new DatasetError('loadIdxClassification: images is required (the image IDX file)');
  if (opts.labels === undefined) throw new DatasetError('loadIdxClassification: labels is required (the label IDX file)');
  const file = await loadIdxImagesAndLabels(opts.images, opts.labels);
  const n = opts.limit === undefined ? file.count : checkInt('loadIdxClassification: limit', opts.limit, 1, file.count);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, file.labels[i]!);
  const numClasses = opts.numClasses === undefined ? largest + 1 : checkInt('loadIdxClassification: numClasses', opts.numClasses, 1, 256);
  if (largest >= numClasses) {
    throw new DatasetError(`loadIdxClassification: label ${largest} is not below numClasses ${numClasses}`);
  }
  if (numClasses < 2) throw new DatasetError(`loadIdxClassification: the labels hold only class 0; a classifier needs at least 2 classes`);
  const pixels = file.rows * file.cols;
  const raw = n === file.count ? file.images : file.images.slice(0, n * pixels);
  return {
    x: toFloat(raw, 255, opts.normalize ?? true, 'loadIdxClassification'),
    y: Int32Array.from(file.labels.subarray(0, n)),
    shape: [n, file.rows, file.cols, 1],
    numClasses,
    raw,
  };
}
