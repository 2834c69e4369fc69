import { CharCorpus } from './char-corpus.ts';
import { maybeGunzip } from './gunzip.ts';
import { shippedFileUrl } from './shipped.ts';
import { sourceBytes, sourceName, type DataSource } from './source.ts';
import { decodeUtf8 } from './text.ts';
import { checkOptions } from './validate.ts';

export interface LoadTextOptions {
  /** The share of characters at the end kept for validation, in [0, 1). Default 0.1 (nanoGPT). */
  validationFraction?: number;
  /** Read this text file (UTF-8, gzipped or not; path, URL or bytes) instead of the shipped one. */
  source?: DataSource;
}

/** Loads a UTF-8 text file (gzipped or not) as a character corpus. */
export async function loadCharCorpus(source: DataSource, options?: Omit<LoadTextOptions, 'source'>): Promise<CharCorpus> {
  const opts = checkOptions<LoadTextOptions>('loadCharCorpus', options, ['validationFraction']);
  const name = sourceName(source);
  const text = decodeUtf8(await maybeGunzip(await sourceBytes(source, name), name), name);
  return CharCorpus.fromText(text, opts.validationFraction === undefined ? {} : { validationFraction: opts.validationFraction });
}

/**
 * Tiny Shakespeare (karpathy/char-rnn; 1,115,394 characters, 65 distinct) as a CharCorpus, split
 * 90/10 into train and validation as nanoGPT's shakespeare_char.
 */
export async function loadTinyShakespeare(options?: LoadTextOptions): Promise<CharCorpus> {
  const { source, ...rest } = checkOptions<LoadTextOptions>('loadTinyShakespeare', options, ['validationFraction', 'source']);
  return loadCharCorpus(source ?? shippedFileUrl('tinyshakespeare'), rest);
}
