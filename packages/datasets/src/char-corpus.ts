// A character-level corpus for language modelling, as nanoGPT's shakespeare_char: the vocabulary is
// the sorted set of characters (Unicode code points, sorted by code point), ids index it, and the
// first 90% of the ids are for training, the last 10% for validation.
import { DatasetError, describeValue } from './errors.ts';
import { checkSeed, Rng } from './rng.ts';
import { checkInt, checkOptions } from './validate.ts';

export type CorpusSplit = 'train' | 'validation';

export interface CharCorpusOptions {
  /** The share of characters at the end kept for validation, in [0, 1). Default 0.1 (nanoGPT). */
  validationFraction?: number;
  /** A fixed vocabulary (unique characters, any order; sorted on use) instead of the text's own. */
  vocab?: readonly string[] | string;
}

/** Sequences for language modelling: y is x shifted by one character; shape is [B, T]. */
export interface SequenceBatch {
  x: Int32Array;
  y: Int32Array;
  shape: [number, number];
  /** Where each row starts in the split's ids. */
  offsets: Int32Array;
}

export interface RandomWindowsOptions {
  split: CorpusSplit;
  seqLen: number;
  batchSize: number;
  seed: number;
  /** How many batches to yield. */
  steps: number;
}

export interface WindowsOptions {
  split: CorpusSplit;
  seqLen: number;
  batchSize: number;
  /** Drop the last batch when it has fewer than batchSize rows (default false: keep it). */
  dropLast?: boolean;
}

/** The code points of a string, as numbers. */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    out.push(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

export class CharCorpus {
  /** The characters, sorted by code point; id i is vocab[i]. */
  readonly vocab: readonly string[];
  /** The whole text as ids. */
  readonly ids: Int32Array;
  /** ids[0, n) and ids[n, end), n = floor((1 - validationFraction) * length): views, not copies. */
  readonly train: Int32Array;
  readonly validation: Int32Array;
  private readonly idOf: Map<number, number>;

  private constructor(vocab: number[], ids: Int32Array, validationFraction: number) {
    this.vocab = Object.freeze(vocab.map((cp) => String.fromCodePoint(cp)));
    this.idOf = new Map(vocab.map((cp, i) => [cp, i]));
    this.ids = ids;
    const n = Math.floor((1 - validationFraction) * ids.length);
    this.train = ids.subarray(0, n);
    this.validation = ids.subarray(n);
  }

  /** Builds the vocabulary (or checks the text against a given one) and encodes the text. */
  static fromText(text: string, options?: CharCorpusOptions): CharCorpus {
    const opts = checkOptions<CharCorpusOptions>('CharCorpus.fromText', options, ['validationFraction', 'vocab']);
    if (typeof text !== 'string') throw new DatasetError(`CharCorpus.fromText: text must be a string, got ${describeValue(text)}`);
    if (text.length === 0) throw new DatasetError('CharCorpus.fromText: the text is empty');
    const vf = opts.validationFraction ?? 0.1;
    if (typeof vf !== 'number' || !Number.isFinite(vf) || vf < 0 || vf >= 1) {
      throw new DatasetError(`CharCorpus.fromText: validationFraction must be in [0, 1), got ${describeValue(vf)}`);
    }
    const cps = codePoints(text);
    const vocab = opts.vocab === undefined ? [...new Set(cps)] : checkVocab(opts.vocab);
    vocab.sort((a, b) => a - b);
    const corpus = new CharCorpus(vocab, new Int32Array(cps.length), vf);
    corpus.encodeInto(cps, corpus.ids);
    return corpus;
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The number of characters (code points) in the corpus. */
  get length(): number {
    return this.ids.length;
  }

  split(name: CorpusSplit): Int32Array {
    if (name === 'train') return this.train;
    if (name === 'validation') return this.validation;
    throw new DatasetError(`CharCorpus: split must be 'train' or 'validation', got ${describeValue(name)}`);
  }

  /** The ids of a string; a character outside the vocabulary is a DatasetError naming it. */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new DatasetError(`CharCorpus.encode: expected a string, got ${describeValue(text)}`);
    const cps = codePoints(text);
    return this.encodeInto(cps, new Int32Array(cps.length));
  }

  /** The string of ids; an id outside 0..vocabSize-1 is a DatasetError. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const ch = Number.isInteger(id) ? this.vocab[id] : undefined;
      if (ch === undefined) {
        throw new DatasetError(`CharCorpus.decode: id ${describeValue(id)} at ${i} is outside 0..${this.vocabSize - 1}`);
      }
      out += ch;
    }
    return out;
  }

  /**
   * Random training windows, as nanoGPT's get_batch: each row starts at a seeded uniform offset in
   * [0, len - T - 1]; x = ids[o, o+T), y = ids[o+1, o+T+1]. Yields `steps` batches of [B, T].
   */
  randomWindows(options: RandomWindowsOptions): IterableIterator<SequenceBatch> {
    const opts = checkOptions<RandomWindowsOptions>('CharCorpus.randomWindows', options, ['split', 'seqLen', 'batchSize', 'seed', 'steps']);
    const ids = this.split(opts.split!);
    const seqLen = this.checkSeqLen(opts.seqLen, ids, opts.split!, 'randomWindows');
    const batchSize = checkInt('CharCorpus.randomWindows: batchSize', opts.batchSize, 1);
    const steps = checkInt('CharCorpus.randomWindows: steps', opts.steps, 0);
    const rng = new Rng(checkSeed(opts.seed, 'CharCorpus.randomWindows'));
    const starts = ids.length - seqLen;
    function* gen(): Generator<SequenceBatch> {
      for (let s = 0; s < steps; s++) {
        yield windowBatch(ids, seqLen, Int32Array.from({ length: batchSize }, () => rng.int(starts)));
      }
    }
    return gen();
  }

  /**
   * Consecutive, non-overlapping windows covering the split once (for evaluation, e.g. bits per
   * character): window k starts at k*T, for k < floor((len - 1) / T); batches of B windows.
   */
  windows(options: WindowsOptions): IterableIterator<SequenceBatch> {
    const opts = checkOptions<WindowsOptions>('CharCorpus.windows', options, ['split', 'seqLen', 'batchSize', 'dropLast']);
    const ids = this.split(opts.split!);
    const seqLen = this.checkSeqLen(opts.seqLen, ids, opts.split!, 'windows');
    const batchSize = checkInt('CharCorpus.windows: batchSize', opts.batchSize, 1);
    const total = Math.floor((ids.length - 1) / seqLen);
    const count = opts.dropLast ? Math.floor(total / batchSize) : Math.ceil(total / batchSize);
    function* gen(): Generator<SequenceBatch> {
      for (let b = 0; b < count; b++) {
        const rows = Math.min(batchSize, total - b * batchSize);
        yield windowBatch(ids, seqLen, Int32Array.from({ length: rows }, (_, r) => (b * batchSize + r) * seqLen));
      }
    }
    return gen();
  }

  private checkSeqLen(seqLen: unknown, ids: Int32Array, split: string, who: string): number {
    const t = checkInt(`CharCorpus.${who}: seqLen`, seqLen, 1);
    if (ids.length < t + 1) {
      throw new DatasetError(`CharCorpus.${who}: the ${split} split has ${ids.length} characters; seqLen ${t} needs at least ${t + 1}`);
    }
    return t;
  }

  private encodeInto(cps: number[], out: Int32Array): Int32Array {
    for (let i = 0; i < cps.length; i++) {
      const id = this.idOf.get(cps[i]!);
      if (id === undefined) {
        throw new DatasetError(`CharCorpus: character ${JSON.stringify(String.fromCodePoint(cps[i]!))} at ${i} is not in the vocabulary`);
      }
      out[i] = id;
    }
    return out;
  }
}

function checkVocab(vocab: readonly string[] | string): number[] {
  const chars = typeof vocab === 'string' ? [...vocab] : vocab;
  if (!Array.isArray(chars) && typeof vocab !== 'string') {
    throw new DatasetError(`CharCorpus.fromText: vocab must be a string or an array of characters, got ${describeValue(vocab)}`);
  }
  const cps = chars.map((ch, i) => {
    const cp = typeof ch === 'string' ? codePoints(ch) : [];
    if (cp.length !== 1) throw new DatasetError(`CharCorpus.fromText: vocab[${i}] must be one character, got ${describeValue(ch)}`);
    return cp[0]!;
  });
  if (new Set(cps).size !== cps.length) throw new DatasetError('CharCorpus.fromText: vocab has repeated characters');
  if (cps.length === 0) throw new DatasetError('CharCorpus.fromText: vocab is empty');
  return cps;
}

function windowBatch(ids: Int32Array, seqLen: number, offsets: Int32Array): SequenceBatch {
  const rows = offsets.length;
  const x = new Int32Array(rows * seqLen);
  const y = new Int32Array(rows * seqLen);
  offsets.forEach((o, r) => {
    x.set(ids.subarray(o, o + seqLen), r * seqLen);
    y.set(ids.subarray(o + 1, o + seqLen + 1), r * seqLen);
  });
  return { x, y, shape: [rows, seqLen], offsets };
}
