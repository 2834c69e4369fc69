// Every error path of the command: one line on stderr naming the problem, the documented exit code
// (2 usage, 3 unreadable input), and a stack trace only with --verbose.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { qat, tempDir } from './helpers.ts';

let dir = '';
let floatRun = '';
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(join(dir, 'garbage.idx'), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 9]));
  await writeFile(join(dir, 'labels.idx'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 4]));
  await writeFile(join(dir, 'not-json.json'), '{ rules: ');
  await writeFile(join(dir, 'bad-recipe.json'), JSON.stringify({ rules: [{ match: '*', weight: { bits: 99 } }], oops: 1 }));
  await writeFile(join(dir, 'notes.qir'), 'hello, not a model');
  await writeFile(join(dir, 'tiny.txt'), 'to be or not to be, that is the question\n'.repeat(20));
  await writeFile(join(dir, 'features.csv'), Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 3},${i % 5},${i % 2}`).join('\n'));
  await mkdir(join(dir, 'empty'));
  floatRun = join(dir, 'float');
  const r = await qat('train', '--model', 'mlp', '--data', 'digits', '--limit', '200', '--max-steps', '2', '--out', floatRun);
  expect(r.code).toBe(0);
});

const cases: Array<[string, () => string[], number, string | RegExp]> = [
  ['an unknown command', () => ['trian'], 2, "qat: unknown command 'trian' (Did you mean train?)"],
  ['an unknown flag', () => ['train', '--model', 'mlp', '--data', 'digits', '--out', join(dir, 'x'), '--epoch', '2'], 2, "qat: unknown option '--epoch' (Did you mean --epochs?)"],
  ['a missing required flag', () => ['train', '--data', 'digits', '--out', join(dir, 'x')], 2, "qat: required option '--model <name>' not specified"],
  ['a bad number', () => ['train', '--model', 'mlp', '--data', 'digits', '--out', join(dir, 'x'), '--epochs', 'two'], 2, "qat: option '--epochs <n>' argument 'two' is invalid. expected an integer >= 1"],
  ['a bad learning rate', () => ['train', '--model', 'mlp', '--data', 'digits', '--out', join(dir, 'x'), '--lr', '-1'], 2, "qat: option '--lr <rate>' argument '-1' is invalid. expected a number > 0"],
  ['an unknown model', () => ['train', '--model', 'vgg', '--data', 'digits', '--out', join(dir, 'x')], 2, "qat: --model: unknown model 'vgg' (models: lenet, residual-cnn, mlp, lstm, gru, char-lstm, transformer)"],
  ['image data for a language model', () => ['train', '--model', 'char-lstm', '--data', 'digits', '--out', join(dir, 'x')], 2, 'qat: --data digits is classification data, but --model char-lstm takes text'],
  ['text data for a recurrent classifier', () => ['train', '--model', 'lstm', '--data', 'shakespeare', '--out', join(dir, 'x')], 2, 'qat: --data shakespeare is a text corpus (next-character prediction), but --model lstm takes classification data'],
  ['feature vectors for a recurrent model', () => ['train', '--model', 'gru', '--data', `csv:${join(dir, 'features.csv')}`, '--out', join(dir, 'x')], 2, 'qat: --model gru reads samples as sequences [steps, features] (images row by row); this data has samples of shape [3] (use --model mlp)'],
  ['an unknown data set', () => ['train', '--model', 'mlp', '--data', 'cifar', '--out', join(dir, 'x')], 2, /^qat: --data: unknown data set 'cifar' \(expected mnist \| digits \| shakespeare/],
  ['an idx spec without 4 files', () => ['train', '--model', 'mlp', '--data', 'idx:a,b,c', '--out', join(dir, 'x')], 2, 'qat: --data idx: needs 4 comma-separated files <train-images>,<train-labels>,<test-images>,<test-labels>, got 3'],
  ['text data for an image model', () => ['train', '--model', 'lenet', '--data', `text:${join(dir, 'tiny.txt')}`, '--out', join(dir, 'x')], 2, /^qat: --data text:.* is a text corpus \(next-character prediction\), but --model lenet takes classification data$/],
  ['images too small for LeNet', () => ['train', '--model', 'lenet', '--data', 'digits', '--out', join(dir, 'x')], 2, 'qat: --model lenet needs images of at least 16x16 (two 5x5 convolutions and two poolings); this data has 8x8 (use --model residual-cnn or mlp)'],
  ['an unknown preset', () => ['train', '--model', 'mlp', '--data', 'digits', '--recipe', 'w3a3', '--out', join(dir, 'x')], 2, "qat: --recipe: unknown preset 'w3a3' (presets: w8a8, w4a8, w4a4, w2a2, w8a8-minmax; or a recipe .json file)"],
  ['a missing recipe file', () => ['train', '--model', 'mlp', '--data', 'digits', '--recipe', join(dir, 'nope.json'), '--out', join(dir, 'x')], 3, /^qat: recipe file .*nope\.json: no such file$/],
  ['a recipe file that is not JSON', () => ['train', '--model', 'mlp', '--data', 'digits', '--recipe', join(dir, 'not-json.json'), '--out', join(dir, 'x')], 3, /^qat: recipe file .*not-json\.json: not JSON \(/],
  ['a recipe file with an unknown key', () => ['train', '--model', 'mlp', '--data', 'digits', '--recipe', join(dir, 'bad-recipe.json'), '--out', join(dir, 'x')], 3, /^qat: recipe file .*bad-recipe\.json: .*oops/],
  ['a missing data file', () => ['train', '--model', 'mlp', '--data', `idx:${join(dir, 'a')},${join(dir, 'b')},${join(dir, 'c')},${join(dir, 'd')}`, '--out', join(dir, 'x')], 3, /^qat: --data idx:.*: image file .*\/a: no such file$/],
  ['corrupt data', () => ['train', '--model', 'mlp', '--data', `idx:${join(dir, 'garbage.idx')},${join(dir, 'labels.idx')},${join(dir, 'garbage.idx')},${join(dir, 'labels.idx')}`, '--out', join(dir, 'x')], 3, /^qat: --data idx:.*: image file .*garbage\.idx: truncated/],
  ['a CSV file that is missing', () => ['train', '--model', 'mlp', '--data', `csv:${join(dir, 'none.csv')}`, '--out', join(dir, 'x')], 3, /^qat: CSV file .*none\.csv: no such file$/],
  ['a model file that is not one', () => ['inspect', join(dir, 'notes.qir')], 3, /^qat: .*notes\.qir: not a qatjs integer model file: /],
  ['a missing model file', () => ['bench', join(dir, 'gone.qir')], 3, /^qat: model file .*gone\.qir: no such file$/],
  ['eval of a folder that is not a run', () => ['eval', join(dir, 'empty')], 3, /^qat: .*empty: not a training run folder \(no run\.json; make one with qat train --out /],
  ['convert of a float run', () => ['convert', floatRun], 3, /^qat: .*float: a float run \(trained without --recipe\); convert needs a quantized model: qat train --recipe w8a8 --from /],
  ['convert to an unknown format', () => ['convert', floatRun, '--format', 'tflite'], 2, "qat: --format: unknown format 'tflite' (formats: int8, onnx)"],
  ['convert of a float run to onnx', () => ['convert', floatRun, '--format', 'onnx'], 3, /^qat: .*float: a float run \(trained without --recipe\); convert needs a quantized model/],
  ['--out that holds a run', () => ['train', '--model', 'mlp', '--data', 'digits', '--out', floatRun], 2, /^qat: --out .*float already holds a run \(run\.json\); pass --resume to continue it, or choose another --out$/],
  ['--resume with nothing to resume', () => ['train', '--model', 'mlp', '--data', 'digits', '--out', join(dir, 'fresh'), '--resume'], 2, /^qat: --resume: .*fresh holds no run to resume \(no run\.json\)$/],
  ['--resume with another learning rate', () => ['train', '--model', 'mlp', '--data', 'digits', '--limit', '200', '--max-steps', '2', '--out', floatRun, '--resume', '--lr', '0.1'], 2, /^qat: --resume: --lr 0\.1 differs from the run's 0\.002 \(.*run\.json\); resume with the run's settings, or train into a new --out$/],
  ['--resume with another batch size', () => ['train', '--model', 'mlp', '--data', 'digits', '--limit', '200', '--max-steps', '2', '--out', floatRun, '--resume', '--batch-size', '32'], 2, /^qat: --resume: --batch-size 32 differs from the run's 64 /],
];

describe('qat error paths: one line, an exit code, no stack trace', () => {
  for (const [what, args, code, message] of cases) {
    it(what, async () => {
      const r = await qat(...args());
      expect(r.code).toBe(code);
      expect(r.err.split('\n').filter((l) => l.startsWith('qat:'))).toHaveLength(1);
      const line = r.err.split('\n').find((l) => l.startsWith('qat:'))!;
      if (typeof message === 'string') expect(line).toBe(message);
      else expect(line).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('--verbose adds the stack trace', async () => {
    const r = await qat('inspect', join(dir, 'notes.qir'), '--verbose');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('help and version exit 0, and help lists the commands and models', async () => {
    const h = await qat('--help');
    expect(h.code).toBe(0);
    for (const c of ['demo', 'train', 'eval', 'convert', 'inspect', 'bench']) expect(h.out).toContain(`  ${c} `);
    const t = await qat('train', '--help');
    expect(t.code).toBe(0);
    expect(t.out).toContain('lenet (LeNet with batch norm');
    expect(t.out).toContain('idx:<train-images>,<train-labels>,<test-images>,<test-labels>');
    expect((await qat('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
