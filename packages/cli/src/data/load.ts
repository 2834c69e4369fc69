import { DatasetError, loadDigits, loadIdxClassification, loadMnist, loadTinyShakespeare, loadCharCorpus, subset, trainTestSplit, type CharCorpus, type LabeledSet } from '@qatjs/datasets';
import { badInput } from '../errors.ts';
import { exists, readFileBytes, readText } from '../platform.ts';
import { parseLabeledCsv } from './csv.ts';
import { formatDataSpec, type DataSpec } from './spec.ts';

/** A classification data set: samples of `inputShape` (no batch), class ids 0..numClasses-1. */
export interface ClassificationData {
  readonly task: 'classification';
  readonly name: string;
  readonly train: LabeledSet;
  readonly test: LabeledSet;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
}

/** A character corpus (next-character prediction). */
export interface TextData {
  readonly task: 'language-model';
  readonly name: string;
  readonly corpus: CharCorpus;
}

export type Data = ClassificationData | TextData;
export type Task = Data['task'];

/** The task a spec gives, known before loading (to refuse a model that cannot take it early). */
export const taskOf = (spec: DataSpec): Task => (spec.kind === 'shakespeare' || spec.kind === 'text' ? 'language-model' : 'classification');

const SPLIT_SEED = 0;

function reshape(set: LabeledSet, shape: readonly number[]): LabeledSet {
  return { ...set, shape: [set.shape[0]!, ...shape] };
}

/** The data with samples read as `shape` (the same element count; a model's declared sample shape). */
export function asSamples(data: ClassificationData, shape: readonly number[]): ClassificationData {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (size(shape) !== size(data.inputShape)) {
    throw badInput(`${data.name}: samples of shape [${data.inputShape.join(', ')}] cannot be read as [${shape.join(', ')}]`);
  }
  if (shape.length === data.inputShape.length && shape.every((d, i) => d === data.inputShape[i])) return data;
  return { ...data, train: reshape(data.train, shape), test: reshape(data.test, shape), inputShape: [...shape] };
}

function limited(set: LabeledSet, limit: number | undefined): LabeledSet {
  if (limit === undefined || limit >= set.y.length) return set;
  return subset(set, Int32Array.from({ length: limit }, (_, i) => i));
}

function classification(name: string, train: LabeledSet, test: LabeledSet, limit?: number): ClassificationData {
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const fix = (s: LabeledSet) => ({ ...limited(s, limit), numClasses });
  return { task: 'classification', name, train: fix(train), test: fix(test), inputShape: train.shape.slice(1), numClasses };
}

async function wrap<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof DatasetError) throw badInput(`--data ${what}: ${e.message}`);
    throw e;
  }
}

/** Loads what a `--data` spec names; `limit` caps the training and the test samples (quick runs). */
export async function loadData(spec: DataSpec, limit?: number): Promise<Data> {
  const what = formatDataSpec(spec);
  switch (spec.kind) {
    case 'mnist': {
      const [train, test] = await Promise.all([loadMnist({ split: 'train' }), loadMnist({ split: 'test' })]);
      return classification('MNIST', train, test, limit);
    }
    case 'digits': {
      const all = await loadDigits();
      const split = trainTestSplit(all, { testFraction: 0.2, seed: SPLIT_SEED, stratify: true });
      return classification('sklearn digits', reshape(split.train, [8, 8, 1]), reshape(split.test, [8, 8, 1]), limit);
    }
    case 'idx': {
      const [ti, tl, vi, vl] = spec.files;
      // one file at a time, so a missing file is named the same way on every runtime
      for (const [i, f] of spec.files.entries()) {
        if (!(await exists(f))) throw badInput(`--data ${what}: ${i % 2 === 0 ? 'image' : 'label'} file ${f}: no such file`);
      }
      return wrap(what, async () => {
        const train = await loadIdxClassification({ images: ti, labels: tl });
        const test = await loadIdxClassification({ images: vi, labels: vl, numClasses: Math.max(train.numClasses, 2) }).catch(async (e: unknown) => {
          // a test set may hold a class the training set lacks: then the class count is the test set's
          if (e instanceof DatasetError && e.message.includes('is not below numClasses')) return loadIdxClassification({ images: vi, labels: vl });
          throw e;
        });
        if (train.shape[1] !== test.shape[1] || train.shape[2] !== test.shape[2]) {
          throw badInput(`--data ${what}: training images are ${train.shape[1]}x${train.shape[2]} but test images ${test.shape[1]}x${test.shape[2]}`);
        }
        return classification(`IDX ${ti}`, train, test, limit);
      });
    }
    case 'csv': {
      const all = parseLabeledCsv(await readText(spec.file, 'CSV file'), spec.file);
      const split = wrapSync(what, () => trainTestSplit(all, { testFraction: 0.2, seed: SPLIT_SEED }));
      return classification(`CSV ${spec.file}`, split.train, split.test, limit);
    }
    case 'shakespeare':
      return { task: 'language-model', name: 'tiny-shakespeare', corpus: await loadTinyShakespeare() };
    case 'text': {
      const bytes = await readFileBytes(spec.file, 'text file');
      return { task: 'language-model', name: spec.file, corpus: await wrap(what, () => loadCharCorpus(bytes)) };
    }
  }
}

function wrapSync<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DatasetError) throw badInput(`--data ${what}: ${e.message}`);
    throw e;
  }
}
