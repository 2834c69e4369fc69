import { describe, expect, it } from 'vitest';
import { CharCorpus, loadCharCorpus, loadTinyShakespeare } from '@qatjs/datasets';
import { dataUrl, errorOf, rawFile } from './helpers/files.ts';

describe('loadTinyShakespeare', () => {
  it('has 1,115,394 characters and the 65-character vocabulary, sorted', async () => {
    const c = await loadTinyShakespeare();
    expect(c.length).toBe(1115394);
    expect(c.vocabSize).toBe(65);
    const letters = (a: string, z: string): string[] =>
      Array.from({ length: z.charCodeAt(0) - a.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(a.charCodeAt(0) + i));
    expect(c.vocab).toEqual(['\n', ' ', ...'!$&\',-.3:;?', ...letters('A', 'Z'), ...letters('a', 'z')]);
  });

  it('decodes back to exactly the file, and splits 90/10 as nanoGPT (n = floor(0.9 * len))', async () => {
    const c = await loadTinyShakespeare();
    const text = new TextDecoder().decode(rawFile('tinyshakespeare/input.txt'));
    expect(c.decode(c.ids)).toBe(text);
    expect(c.train.length).toBe(Math.floor(0.9 * 1115394));
    expect(c.train.length + c.validation.length).toBe(1115394);
    expect(c.decode(c.train.subarray(0, 14))).toBe('First Citizen:');
    expect(c.decode(c.validation)).toBe(text.slice(1003854));
    expect(text.split('\n').length - 1).toBe(40000);
    expect(c.ids.filter((id) => id === 0).length).toBe(40000); // '\n' is id 0
  });

  it('loads the same corpus from a path, with another validation fraction', async () => {
    const c = await loadCharCorpus(decodeURIComponent(dataUrl('tinyshakespeare/input.txt').pathname), { validationFraction: 0.5 });
    expect(c.vocabSize).toBe(65);
    expect(c.train.length).toBe(557697);
  });
});

describe('CharCorpus', () => {
  it('encodes and decodes with the sorted vocabulary, code point by code point', () => {
    const c = CharCorpus.fromText('ba😀a\u00e9');
    expect(c.vocab).toEqual(['a', 'b', '\u00e9', '😀']);
    expect(Array.from(c.ids)).toEqual([1, 0, 3, 0, 2]);
    expect(c.decode(c.encode('😀ab'))).toBe('😀ab');
  });

  it('accepts a fixed vocabulary', () => {
    const c = CharCorpus.fromText('abba', { vocab: 'dcba' });
    expect(c.vocab).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(c.encode('dab'))).toEqual([3, 0, 1]);
  });

  it('makes random windows as nanoGPT: y is x shifted by one, offsets in range, same seed same batches', async () => {
    const c = await loadTinyShakespeare();
    const opts = { split: 'validation', seqLen: 64, batchSize: 8, seed: 11, steps: 5 } as const;
    const a = [...c.randomWindows(opts)];
    const b = [...c.randomWindows(opts)];
    expect(a.length).toBe(5);
    expect(a).toEqual(b);
    const other = [...c.randomWindows({ ...opts, seed: 12 })];
    expect(other[0]!.offsets).not.toEqual(a[0]!.offsets);
    for (const batch of a) {
      expect(batch.shape).toEqual([8, 64]);
      batch.offsets.forEach((o, r) => {
        expect(o).toBeGreaterThanOrEqual(0);
        expect(o + 64).toBeLessThan(c.validation.length);
        expect(batch.x.subarray(r * 64, r * 64 + 64)).toEqual(c.validation.subarray(o, o + 64));
        expect(batch.y.subarray(r * 64, r * 64 + 64)).toEqual(c.validation.subarray(o + 1, o + 65));
      });
    }
  });

  it('covers a split once with consecutive windows, keeping or dropping the last batch', () => {
    const c = CharCorpus.fromText('abcdefghijklmnopqrstuvw', { validationFraction: 0 }); // 23 chars
    const kept = [...c.windows({ split: 'train', seqLen: 4, batchSize: 2 })];
    // floor((23 - 1) / 4) = 5 windows: 2 + 2 + 1
    expect(kept.map((b) => b.shape)).toEqual([[2, 4], [2, 4], [1, 4]]);
    expect(kept.flatMap((b) => Array.from(b.offsets))).toEqual([0, 4, 8, 12, 16]);
    expect(c.decode(kept[2]!.x)).toBe('qrst');
    expect(c.decode(kept[2]!.y)).toBe('rstu');
    const dropped = [...c.windows({ split: 'train', seqLen: 4, batchSize: 2, dropLast: true })];
    expect(dropped.length).toBe(2);
  });

  it('rejects bad input with clear messages', async () => {
    const c = CharCorpus.fromText('hello world');
    expect(await errorOf(() => c.encode('hex'))).toBe('CharCorpus: character "x" at 2 is not in the vocabulary');
    expect(await errorOf(() => c.decode([0, 99]))).toBe('CharCorpus.decode: id 99 at 1 is outside 0..7');
    expect(await errorOf(() => c.decode([1.5]))).toContain('id 1.5 at 0 is outside');
    expect(await errorOf(() => CharCorpus.fromText(''))).toBe('CharCorpus.fromText: the text is empty');
    expect(await errorOf(() => CharCorpus.fromText('abc', { validationFraction: 1 }))).toContain('validationFraction must be in [0, 1)');
    expect(await errorOf(() => CharCorpus.fromText('abc', { vocab: 'ab' }))).toContain('character "c" at 2 is not in the vocabulary');
    expect(await errorOf(() => CharCorpus.fromText('abc', { vocab: ['a', 'bc'] }))).toContain('vocab[1] must be one character');
    expect(await errorOf(() => CharCorpus.fromText('abc', { vocab: 'aab' }))).toContain('vocab has repeated characters');
    expect(await errorOf(() => c.windows({ split: 'validation', seqLen: 4, batchSize: 1 }))).toBe(
      'CharCorpus.windows: the validation split has 2 characters; seqLen 4 needs at least 5',
    );
    expect(await errorOf(() => c.randomWindows({ split: 'test' as never, seqLen: 2, batchSize: 1, seed: 0, steps: 1 }))).toContain(
      "split must be 'train' or 'validation'",
    );
    expect(await errorOf(() => c.randomWindows({ split: 'train', seqLen: 2, batchSize: 1, seed: -1, steps: 1 }))).toContain(
      'seed must be an integer 0..4294967295, got -1',
    );
    expect(await errorOf(() => loadTinyShakespeare({ source: new Uint8Array([0xc3, 0x28]) }))).toBe('the given bytes: is not valid UTF-8 text');
  });
});
