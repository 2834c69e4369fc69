// @qatjs/datasets: data for qatjs as plain typed arrays (no tfjs), with the files it needs shipped.
export { DatasetError } from './errors.ts';
export type { DataSource } from './source.ts';
export { SHIPPED_FILES, shippedFileUrl, type ShippedFile } from './shipped.ts';
export { gunzip, isGzip, maybeGunzip, MAX_GUNZIP_BYTES, GUNZIP_HEAD_BYTES, type GunzipOptions, type GunzipLimit } from './gunzip.ts';
export { MAX_IDX_BYTES } from './idx-header.ts';

export { parseIdx, parseIdxSync, loadIdx, loadIdxImagesAndLabels } from './idx.ts';
export type { IdxArray, ParseIdxOptions, IdxImagesAndLabels } from './idx.ts';
export { loadIdxClassification, type LoadIdxClassificationOptions, type IdxClassificationSet } from './idx-classification.ts';
export { loadMnist, type LoadMnistOptions, type MnistSet } from './mnist.ts';
export { loadDigits, type LoadDigitsOptions, type DigitsSet } from './digits.ts';
export { parseIntCsv, type IntCsvOptions } from './csv.ts';
export type { Normalize } from './normalize.ts';

export { CharCorpus } from './char-corpus.ts';
export type { CharCorpusOptions, CorpusSplit, SequenceBatch, RandomWindowsOptions, WindowsOptions } from './char-corpus.ts';
export { loadTinyShakespeare, loadCharCorpus, type LoadTextOptions } from './tiny-shakespeare.ts';

export { checkLabeledSet, subset, classCounts, sampleSize, type LabeledSet } from './labeled-set.ts';
export { Rng, deriveSeed } from './rng.ts';
export { shuffledIndices } from './shuffle.ts';
export { trainTestSplit, type TrainTestSplitOptions, type TrainTestSplit } from './train-test-split.ts';
export { firstKPerClass } from './first-k-per-class.ts';
export { batches, batchCount, type Batch, type BatchOptions } from './batches.ts';
export { randomTranslate } from './random-translate.ts';
