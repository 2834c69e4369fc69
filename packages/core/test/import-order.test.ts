// A program that imports @qatjs/core before @tensorflow/tfjs-core (as the README's examples do) must
// get tfjs-core's own engine and Tensor class: core's bundled gradients carry a second copy of both,
// and if that copy made the global engine, every chained op (x.cast, x.reshape) failed with
// "Cannot read properties of null (reading 'cast')". A fresh Node process shows it; a test runner
// that loaded tfjs-core earlier would hide it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('import order', () => {
  it('@qatjs/core imported first: chained tensor ops and gradients work in a fresh process', () => {
    const program = [
      "import { initBackend } from '@qatjs/core';",
      "import * as tf from '@tensorflow/tfjs-core';",
      "await initBackend('cpu');",
      "const x = tf.tensor1d([1.5, -2.5, 0.25]);",
      'const g = tf.grad((a) => tf.sum(tf.mul(a, a)))(x);',
      "console.log(JSON.stringify([Array.from(x.cast('int32').dataSync()), Array.from(g.dataSync())]));",
    ].join('\n');
    const r = spawnSync('node', ['--input-type=module', '-e', program], { cwd: join(here, '..'), encoding: 'utf8', timeout: 600_000 });
    expect(r.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    expect(r.stdout.trim().split('\n').pop()).toBe(JSON.stringify([[1, -2, 0], [3, -5, 0.5]]));
  });
});
