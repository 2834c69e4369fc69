// The same entry file runs under Node, Deno (deno run -A) and Bun.
import { describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, spawnQat } from './helpers.ts';

const bin = (name: string) => join(dirname(fileURLToPath(import.meta.url)), '../../../node_modules/.bin', name);
const RUNNERS: Record<string, [string, string[]]> = {
  node: ['node', [BIN]],
  deno: [bin('deno'), ['run', '-A', BIN]],
  bun: [bin('bun'), [BIN]],
};

// Spawned from the Node run only: it starts every runtime itself.
const node = (process.env.QATJS_TEST_RUNTIME ?? 'node') === 'node';
// registered on Node only (the Deno shim of vitest has no skipIf)
const itOnNode = node ? it : () => {};

describe('qat runs on every runtime from one entry file', () => {
  for (const [name, [cmd, pre]] of Object.entries(RUNNERS)) {
    itOnNode(`${name}: --help, and a one-line error with exit code 2`, async () => {
      const help = await spawnQat(cmd, [...pre, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain('Usage: qat [options] [command]');
      const bad = await spawnQat(cmd, [...pre, 'train', '--model', 'nope', '--data', 'digits', '--out', 'x']);
      expect(bad.code).toBe(2);
      expect(bad.err.trim()).toBe("qat: --model: unknown model 'nope' (models: lenet, residual-cnn, mlp, lstm, gru, char-lstm, transformer)");
    });
  }
});
